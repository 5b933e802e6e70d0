import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.js';
import { ConflictError, NotFoundError } from '../errors/domain-errors.js';
import type { Identity } from '../identity/identity.js';
import { toDomainError } from '../kube/kube-api-error.js';
import type { WorkflowClient } from '../kube/workflow-client.js';
import { runStateFromWorkflow, type RunState } from '../kube/workflow/run-state.js';
import { assertCanTerminate, retryWorkflow, terminatePatch } from '../kube/workflow/workflow-actions.js';
import type { RunRow, StorageState } from '../store/database.js';
import type { ExperimentRepository } from '../store/experiment-repository.js';
import type { PipelineRepository } from '../store/pipeline-repository.js';
import type { RunRepository } from '../store/run-repository.js';
import { planRun, type RunRequest } from './run-plan.js';

export type CreateRun = RunRequest;

export interface RunServiceDeps {
  readonly config: Config;
  readonly runs: RunRepository;
  readonly experiments: ExperimentRepository;
  readonly pipelines: PipelineRepository;
  readonly workflows: WorkflowClient;
  readonly now: () => number;
  /** Cleanup failures that leave something behind are logged, never hidden. */
  readonly onCleanupError?: (error: unknown, what: string) => void;
}

/**
 * The business rules of runs: one Argo Workflow in the run's namespace per run, and its SQL record. The two are
 * written both or neither: a workflow the cluster refuses leaves no row; a row that cannot be written deletes
 * the workflow just created.
 */
export class RunService {
  readonly #deps: RunServiceDeps;

  constructor(deps: RunServiceDeps) {
    this.#deps = deps;
  }

  async get(id: string): Promise<RunRow> {
    const [row] = await this.#deps.runs.byIds([id]);
    if (!row) throw new NotFoundError('run not found');
    return row;
  }

  async create(input: CreateRun, creator: Identity): Promise<RunRow> {
    const { workflows, runs, now } = this.#deps;
    const id = randomUUID();
    const { name, description, parameters, experiment, source, serviceAccount, workflow } = await planRun(this.#deps, input, creator, { runId: id });

    const created = await workflows.create(input.namespace, workflow).catch((error: unknown) => {
      throw toDomainError(error, 'workflow');
    });
    const workflowName = created.metadata.name ?? workflow.metadata.name ?? '';
    const at = now();
    const row: RunRow = {
      id,
      namespace: input.namespace,
      experiment_id: experiment.id,
      pipeline_version_id: source.pipelineVersionId,
      recurring_run_id: null,
      name,
      description,
      state: 'PENDING',
      storage_state: 'AVAILABLE',
      parameters: JSON.stringify(parameters),
      service_account: serviceAccount,
      workflow_name: workflowName,
      workflow_status: null,
      workflow_resource_version: null,
      created_by: creator.user,
      created_at: at,
      scheduled_at: at,
      finished_at: null,
      updated_at: at,
    };
    try {
      await runs.insert(row);
    } catch (error) {
      await workflows.delete(input.namespace, workflowName).catch((cleanup: unknown) => this.#deps.onCleanupError?.(cleanup, `workflow ${input.namespace}/${workflowName}`));
      throw error;
    }
    return row;
  }

  /** Argo's `terminate`: `spec.shutdown: Terminate`; the run is CANCELING until the sync sees it end. */
  async terminate(id: string): Promise<RunRow> {
    const row = await this.get(id);
    assertCanTerminate(row.state as RunState);
    if (row.workflow_name) {
      await this.#deps.workflows.mergePatch(row.namespace, row.workflow_name, terminatePatch()).catch((error: unknown) => {
        throw toDomainError(error, 'termination');
      });
    }
    return this.#update(row, { state: 'CANCELING' });
  }

  /**
   * Argo's `retry` of a Failed or Error workflow: failed nodes are deleted (their pods too, when they still
   * exist), the groups above them reset, and the whole object written back with its resourceVersion, so a
   * concurrent change by Argo's controller is a CONFLICT rather than lost.
   */
  async retry(id: string): Promise<RunRow> {
    const row = await this.get(id);
    const { workflows } = this.#deps;
    if (!row.workflow_name) throw new ConflictError('the run has no workflow to retry');
    const live = await workflows.get(row.namespace, row.workflow_name).catch((error: unknown) => {
      throw toDomainError(error, 'retry');
    });
    if (!live) throw new ConflictError('the workflow of this run was garbage-collected; it cannot be retried');
    const { workflow, podsToDelete } = retryWorkflow(live, new Date(this.#deps.now()));
    const written = await workflows.replace(row.namespace, row.workflow_name, workflow).catch((error: unknown) => {
      throw toDomainError(error, 'retry');
    });
    for (const pod of podsToDelete) {
      await workflows.deletePod(row.namespace, pod).catch((error: unknown) => this.#deps.onCleanupError?.(error, `pod ${row.namespace}/${pod}`));
    }
    return this.#update(row, { state: runStateFromWorkflow(written), finished_at: null });
  }

  async setStorageState(id: string, state: StorageState): Promise<RunRow> {
    return this.#update(await this.get(id), { storage_state: state });
  }

  /** Deletes the workflow (if the cluster still has it), then the record. MLMD keeps the run's lineage. */
  async delete(id: string): Promise<RunRow> {
    const row = await this.get(id);
    if (row.workflow_name) {
      await this.#deps.workflows.delete(row.namespace, row.workflow_name).catch((error: unknown) => {
        throw toDomainError(error, 'deletion');
      });
    }
    await this.#deps.runs.delete(id);
    return row;
  }

  async #update(row: RunRow, changes: Partial<Omit<RunRow, 'id'>>): Promise<RunRow> {
    const updated = { ...row, ...changes, updated_at: this.#deps.now() };
    await this.#deps.runs.update(row.id, { ...changes, updated_at: updated.updated_at });
    return updated;
  }
}
