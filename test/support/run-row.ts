import type { RunRow } from '../../src/store/database.js';

/** A run row with every column at a plain default (a finished run, no workflow); `more` overrides any. */
export function run(id: string, namespace: string, experimentId: string, name: string, createdAt: number, more: Partial<RunRow> = {}): RunRow {
  return {
    id,
    namespace,
    experiment_id: experimentId,
    pipeline_version_id: null,
    recurring_run_id: null,
    name,
    description: '',
    state: 'SUCCEEDED',
    storage_state: 'AVAILABLE',
    parameters: '{}',
    service_account: 'default-editor',
    workflow_name: null,
    workflow_status: null,
    workflow_resource_version: null,
    created_by: 'alice@example.com',
    created_at: createdAt,
    scheduled_at: null,
    finished_at: null,
    updated_at: createdAt,
    pending_since: null,
    ...more,
  };
}
