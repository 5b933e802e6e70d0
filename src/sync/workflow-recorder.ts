import type { Kysely } from 'kysely';
import type { Authorizer } from '../authz/authorizer.js';
import type { NamespaceDirectory } from '../kube/namespace-directory.js';
import type { ScheduledWorkflowClient } from '../kube/scheduled-workflow-client.js';
import type { WorkflowClient } from '../kube/workflow-client.js';
import { ANNOTATION_RUN_NAME, LABEL_SCHEDULED_WORKFLOW_NAME, type RunLabel } from '../kube/workflow/run-labels.js';
import { isFinalRunState, runStateFromWorkflow, type RunState } from '../kube/workflow/run-state.js';
import { asArray, isJsonObject, type Workflow } from '../kube/workflow/workflow-types.js';
import type { MetadataWriter } from '../mlmd/metadata-writer.js';
import type { Database, RecurringRunRow, RunRow } from '../store/database.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { isNewerResourceVersion } from './resource-version.js';
import type { RunUpdateEvent } from './run-events.js';
import { recordedRunOf } from './workflow-metadata.js';

export interface WorkflowRecorderDeps {
  readonly db: Kysely<Database>;
  readonly metadata: MetadataWriter;
  readonly directory: NamespaceDirectory;
  readonly workflows: WorkflowClient;
  readonly scheduledWorkflows: ScheduledWorkflowClient;
  /** Re-checks a recurring run's creator (uncached SubjectAccessReviews: a revoked right must count now). */
  readonly creatorAuthorizer: Authorizer;
  /** The label that names a Workflow's run (run-labels.ts): kfp-graph's own in standalone mode. */
  readonly runLabel: RunLabel;
  /** The namespaces' pipeline root (`{namespace}` replaced), recorded on the run context; unset: not recorded. */
  readonly pipelineRootTemplate?: string;
  readonly now: () => number;
}

/** What happened to one workflow event. `missing`: its run row is not written yet (createRun is between its two writes). */
export type RecordOutcome =
  | { readonly kind: 'recorded'; readonly event: RunUpdateEvent }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'missing'; readonly runId: string };

const IGNORED: RecordOutcome = { kind: 'ignored' };
const MAX_RACES = 5;

/**
 * The run ID of a workflow kfp-graph (or, with KFP's label, KFP) started: its run label, else its UID for a run a
 * ScheduledWorkflow started (as KFP's persistence agent names those).
 */
export function runIdOf(workflow: Workflow, runLabel: RunLabel): string | undefined {
  const labels = workflow.metadata.labels ?? {};
  const label = labels[runLabel];
  if (label) return label;
  return labels[LABEL_SCHEDULED_WORKFLOW_NAME] ? workflow.metadata.uid : undefined;
}

/** The update a subscriber sees, derived from the workflow alone (followers publish it without a write). */
export function runUpdateOf(workflow: Workflow, runLabel: RunLabel): RunUpdateEvent | undefined {
  const runId = runIdOf(workflow, runLabel);
  const namespace = workflow.metadata.namespace;
  if (!runId || !namespace) return undefined;
  return {
    runId,
    namespace,
    state: runStateFromWorkflow(workflow),
    phase: workflow.status?.phase ?? '',
    resourceVersion: workflow.metadata.resourceVersion ?? '',
  };
}

/**
 * Applies one observed Workflow to its run, as KFP's persistence agent does: the state from the phase, the
 * times, the status snapshot and ML-Metadata. Idempotent: an event whose resourceVersion is not newer than the
 * stored one changes nothing, and the row is updated only where it still holds the resourceVersion it was read
 * with, so two writers (a leadership hand-over) never both apply the same update.
 *
 * A workflow names its run through a label anyone creating workflows in the namespace can set, so it only
 * counts for a run of the same namespace (and the same workflow name, once one was recorded).
 */
export class WorkflowRecorder {
  readonly #deps: WorkflowRecorderDeps;
  readonly #pipelineNames = new Map<string, string>();

  constructor(deps: WorkflowRecorderDeps) {
    this.#deps = deps;
  }

  async record(workflow: Workflow): Promise<RecordOutcome> {
    const namespace = workflow.metadata.namespace;
    const name = workflow.metadata.name;
    const runId = runIdOf(workflow, this.#deps.runLabel);
    if (!namespace || !name || !runId || !this.#deps.directory.has(namespace)) return IGNORED;
    for (let attempt = 0; attempt < MAX_RACES; attempt += 1) {
      const [row] = await this.#runs().where('id', '=', runId).execute();
      if (!row) {
        const inserted = await this.#insertScheduledRun(workflow, runId);
        if (inserted === 'not-scheduled') return { kind: 'missing', runId };
        if (inserted === 'ignored') return IGNORED;
        if (inserted === 'raced') continue;
        if (inserted !== 'inserted') return inserted;
        continue;
      }
      if (row.namespace !== namespace || (row.workflow_name !== null && row.workflow_name !== name)) return IGNORED;
      if (isCreatorDenied(row)) return IGNORED;
      const resourceVersion = workflow.metadata.resourceVersion ?? '';
      if (!isNewerResourceVersion(resourceVersion, row.workflow_resource_version)) return IGNORED;

      // ML-Metadata first: if it fails, the row keeps its old resourceVersion and the retry redoes both.
      const pipelineRoot = this.#deps.pipelineRootTemplate?.split('{namespace}').join(namespace);
      const recorded = recordedRunOf(workflow, {
        runId,
        namespace,
        pipelineName: await this.#pipelineName(row),
        ...(pipelineRoot === undefined ? {} : { pipelineRoot }),
      });
      if (recorded.executions.length > 0) await this.#deps.metadata.recordRun(recorded, this.#deps.now());

      const state = runStateFromWorkflow(workflow);
      const finishedAt = isFinalRunState(state) ? Date.parse(workflow.status?.finishedAt ?? '') || this.#deps.now() : null;
      let update = this.#deps.db
        .updateTable('runs')
        .set({
          state,
          finished_at: finishedAt,
          workflow_name: name,
          workflow_status: JSON.stringify(workflow.status ?? {}),
          workflow_resource_version: resourceVersion,
          updated_at: this.#deps.now(),
        })
        .where('id', '=', runId);
      update =
        row.workflow_resource_version === null
          ? update.where('workflow_resource_version', 'is', null)
          : update.where('workflow_resource_version', '=', row.workflow_resource_version);
      const result = await update.executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) continue; // another writer got there first: re-read
      return { kind: 'recorded', event: { runId, namespace, state, phase: workflow.status?.phase ?? '', resourceVersion } };
    }
    return IGNORED;
  }

  #runs() {
    return this.#deps.db.selectFrom('runs').selectAll();
  }

  async #pipelineName(row: RunRow): Promise<string> {
    const cached = this.#pipelineNames.get(row.id);
    if (cached !== undefined) return cached;
    let name = 'workflow';
    if (row.pipeline_version_id !== null) {
      const found = await this.#deps.db
        .selectFrom('pipeline_versions')
        .innerJoin('pipelines', 'pipelines.id', 'pipeline_versions.pipeline_id')
        .select('pipelines.name as name')
        .where('pipeline_versions.id', '=', row.pipeline_version_id)
        .executeTakeFirst();
      if (found) name = found.name;
    } else if (row.workflow_name !== null) {
      name = row.workflow_name.replace(/-[a-z0-9]{1,5}$/, '') || 'workflow';
    }
    if (this.#pipelineNames.size >= 10_000) this.#pipelineNames.clear();
    this.#pipelineNames.set(row.id, name);
    return name;
  }

  /**
   * A workflow a ScheduledWorkflow produced has no row yet: create it, attributed to the recurring run's creator,
   * after checking that the creator may still create runs there (kubeflow/pipelines#14363: KFP runs them as the
   * controller). If not, the schedule is disabled, the workflow deleted before it does anything, and the run
   * recorded as FAILED saying why.
   */
  async #insertScheduledRun(workflow: Workflow, runId: string): Promise<'inserted' | 'raced' | 'ignored' | 'not-scheduled' | RecordOutcome> {
    const namespace = workflow.metadata.namespace as string;
    const name = workflow.metadata.name as string;
    const scheduledName = workflow.metadata.labels?.[LABEL_SCHEDULED_WORKFLOW_NAME];
    if (!scheduledName) return 'not-scheduled';
    const recurring = await this.#deps.db
      .selectFrom('recurring_runs')
      .selectAll()
      .where('namespace', '=', namespace)
      .where('scheduled_workflow_name', '=', scheduledName)
      .executeTakeFirst();
    if (!recurring) return 'ignored';
    const creator = { user: recurring.created_by, groups: parseGroups(recurring.created_by_groups), source: 'header' as const };
    const allowed = await this.#deps.creatorAuthorizer.isAllowed(creator, { namespace, resource: 'runs', verb: 'create' });
    const now = this.#deps.now();
    const created = Date.parse(workflow.metadata.creationTimestamp ?? '') || now;
    const epoch = Number(workflow.metadata.labels?.['scheduledworkflows.kubeflow.org/workflowEpoch']);
    const base: RunRow = {
      id: runId,
      namespace,
      experiment_id: recurring.experiment_id,
      pipeline_version_id: recurring.pipeline_version_id,
      recurring_run_id: recurring.id,
      name: workflow.metadata.annotations?.[ANNOTATION_RUN_NAME] ?? name,
      description: '',
      state: 'PENDING',
      storage_state: 'AVAILABLE',
      parameters: JSON.stringify(parametersOf(workflow)),
      service_account: typeof workflow.spec.serviceAccountName === 'string' ? workflow.spec.serviceAccountName : recurring.service_account,
      workflow_name: name,
      workflow_status: null,
      workflow_resource_version: null,
      created_by: recurring.created_by,
      created_at: created,
      scheduled_at: Number.isFinite(epoch) && epoch > 0 ? epoch * 1000 : created,
      finished_at: null,
      updated_at: now,
      pending_since: null,
    };
    let row = base;
    if (!allowed) {
      await this.#disable(recurring, namespace, name);
      const message = `not started: ${recurring.created_by}, who created recurring run "${recurring.name}", may no longer create runs in namespace ${namespace}; the recurring run was disabled`;
      row = {
        ...base,
        state: 'FAILED' satisfies RunState,
        finished_at: now,
        workflow_status: JSON.stringify({ phase: 'Failed', message, creatorDenied: true }),
        workflow_resource_version: workflow.metadata.resourceVersion ?? null,
      };
    }
    try {
      await this.#deps.db.insertInto('runs').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) return 'raced';
      throw error;
    }
    if (!allowed) {
      return { kind: 'recorded', event: { runId, namespace, state: row.state, phase: 'Failed', resourceVersion: row.workflow_resource_version ?? '' } };
    }
    return 'inserted';
  }

  async #disable(recurring: RecurringRunRow, namespace: string, workflowName: string): Promise<void> {
    await this.#deps.scheduledWorkflows.mergePatch(namespace, recurring.scheduled_workflow_name, { spec: { enabled: false } }).catch(() => undefined);
    await this.#deps.db.updateTable('recurring_runs').set({ enabled: 0, updated_at: this.#deps.now() }).where('id', '=', recurring.id).execute();
    await this.#deps.workflows.delete(namespace, workflowName);
  }
}

function isCreatorDenied(row: RunRow): boolean {
  if (row.state !== 'FAILED' || row.workflow_status === null || !row.workflow_status.includes('creatorDenied')) return false;
  const snapshot: unknown = JSON.parse(row.workflow_status);
  return isJsonObject(snapshot) && snapshot.creatorDenied === true;
}

function parseGroups(text: string): readonly string[] {
  const parsed: unknown = JSON.parse(text || '[]');
  return Array.isArray(parsed) ? parsed.filter((g): g is string => typeof g === 'string') : [];
}

function parametersOf(workflow: Workflow): Record<string, string> {
  const result: Record<string, string> = {};
  for (const p of asArray(workflow.spec.arguments?.parameters)) {
    if (isJsonObject(p) && typeof p.name === 'string' && typeof p.value === 'string') result[p.name] = p.value;
  }
  return result;
}
