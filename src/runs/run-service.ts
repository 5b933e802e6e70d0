import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { Kysely } from 'kysely';
import { NO_DEADLINE, type WriteGuard } from '../app/write-guard.js';
import { ConflictError, NotFoundError, UnavailableError } from '../errors/domain-errors.js';
import { assertSameRequest, requestKeyOf, type RequestKey } from '../idempotency/request-key.js';
import type { Identity } from '../identity/identity.js';
import { toDomainError } from '../kube/kube-api-error.js';
import type { WorkflowClient } from '../kube/workflow-client.js';
import { runStateFromWorkflow, type RunState } from '../kube/workflow/run-state.js';
import { assertCanTerminate, retryWorkflow, terminatePatch } from '../kube/workflow/workflow-actions.js';
import type { Workflow } from '../kube/workflow/workflow-types.js';
import type { Database, IdempotencyKeyRow, RunRow, StorageState } from '../store/database.js';
import { IdempotencyRepository } from '../store/idempotency-repository.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import type { ExperimentRepository } from '../store/experiment-repository.js';
import type { PipelineRepository } from '../store/pipeline-repository.js';
import { RunRepository } from '../store/run-repository.js';
import { createOwnWorkflow, isWorkflowOfRun, WorkflowRefusedError } from './own-workflow.js';
import { planRun, type RunRequest } from './run-plan.js';

export type CreateRun = RunRequest;

export interface RunServiceDeps {
  readonly config: Config;
  /** For the transaction that writes a pending run with its request ID. */
  readonly db: Kysely<Database>;
  readonly runs: RunRepository;
  readonly keys: IdempotencyRepository;
  readonly experiments: ExperimentRepository;
  readonly pipelines: PipelineRepository;
  readonly workflows: WorkflowClient;
  readonly now: () => number;
  /** Cleanup failures that leave something behind are logged, never hidden. */
  readonly onCleanupError?: (error: unknown, what: string) => void;
}

/**
 * The business rules of runs: one Argo Workflow in the run's namespace per run, and its SQL record, written
 * both or neither even under faults (see `create`).
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

  /**
   * Creates a run exactly once: the row is written first, marked pending creation, in one transaction with
   * the request ID (when given); then the Workflow, under a name derived from the run ID; then the mark is
   * cleared. A failure undoes what was done (Workflow, then row and request ID) before the error is answered;
   * when even the undo fails, the answer says the outcome is unknown and a retry with the same request ID (or
   * the reconciler, after its grace period) settles it. A retry returns the first request's run.
   */
  async create(input: CreateRun, creator: Identity, call: { readonly requestId?: string | null; readonly guard?: WriteGuard } = {}): Promise<RunRow> {
    const { keys, now } = this.#deps;
    const guard = call.guard ?? NO_DEADLINE;
    const key = requestKeyOf(call.requestId, creator, 'createRun', input);
    if (key) {
      const stored = await keys.get(key.owner, key.requestId);
      if (stored) return this.#resume(key, stored, input, creator, guard);
    }
    const id = randomUUID();
    const plan = await planRun(this.#deps, input, creator, { runId: id });
    guard.beginWrite();
    const at = now();
    const row: RunRow = {
      id,
      namespace: input.namespace,
      experiment_id: plan.experiment.id,
      pipeline_version_id: plan.source.pipelineVersionId,
      recurring_run_id: null,
      name: plan.name,
      description: plan.description,
      state: 'PENDING',
      storage_state: 'AVAILABLE',
      parameters: JSON.stringify(plan.parameters),
      service_account: plan.serviceAccount,
      workflow_name: plan.workflow.metadata.name ?? null,
      workflow_status: null,
      workflow_resource_version: null,
      created_by: creator.user,
      created_at: at,
      scheduled_at: at,
      finished_at: null,
      updated_at: at,
      pending_since: at,
    };
    try {
      await this.#deps.db.transaction().execute(async (trx) => {
        if (key) {
          await new IdempotencyRepository(trx).insert({
            owner: key.owner,
            request_id: key.requestId,
            operation: key.operation,
            fingerprint: key.fingerprint,
            resource_id: id,
            created_at: at,
          });
        }
        await new RunRepository(trx).insert(row);
      });
    } catch (error) {
      if (key && isUniqueViolation(error)) {
        const raced = await keys.get(key.owner, key.requestId);
        if (raced) return this.#resume(key, raced, input, creator, guard);
      }
      throw error;
    }
    return this.#launch(row, plan.workflow, key);
  }

  /** A request ID seen before: its run as it is now, its creation finished first if it was left pending. */
  async #resume(key: RequestKey, stored: IdempotencyKeyRow, input: CreateRun, creator: Identity, guard: WriteGuard): Promise<RunRow> {
    assertSameRequest(key, stored);
    const [row] = await this.#deps.runs.byIds([stored.resource_id]);
    if (!row) throw new ConflictError('the run this requestId created has since been deleted');
    if (row.pending_since === null) return row;
    // The first request is still creating its Workflow, or stopped half-way. Creating it again is safe: the
    // name is the same, and AlreadyExists with our label counts as created.
    guard.beginWrite();
    const plan = await planRun(this.#deps, input, creator, { runId: row.id });
    return this.#launch(row, plan.workflow, key);
  }

  async #launch(row: RunRow, workflow: Workflow, key: RequestKey | null): Promise<RunRow> {
    const { workflows, runs, now, config } = this.#deps;
    let created: Workflow;
    try {
      created = await createOwnWorkflow(workflows, row.namespace, workflow, row.id, config.CLUSTER_WRITE_TIMEOUT_MS);
    } catch (error) {
      const refused = error instanceof WorkflowRefusedError;
      await this.#undo(row, key, !refused, error);
      throw refused ? error.domainError : toDomainError(error, 'workflow');
    }
    const at = now();
    const workflowName = created.metadata.name ?? row.workflow_name;
    let marked: RunRow | undefined;
    try {
      await runs.update(row.id, { pending_since: null, workflow_name: workflowName, updated_at: at });
      [marked] = await runs.byIds([row.id]);
    } catch (error) {
      await this.#undo(row, key, true, error);
      throw error;
    }
    // A concurrent retry of the same request that failed undid the row meanwhile: ours is then an orphan.
    if (!marked) {
      await this.#undo(row, key, true, new Error('run undone concurrently'));
      throw new UnavailableError('the run was undone by a concurrent attempt; try again', { runId: row.id });
    }
    return marked;
  }

  /**
   * Takes a half-made run back: its Workflow (when it may exist), then its row and request ID together. If a
   * step fails the run stays pending, the client is told the outcome is unknown, and a retry with the same
   * request ID or the reconciler finishes the job.
   */
  async #undo(row: RunRow, key: RequestKey | null, workflowMayExist: boolean, cause: unknown): Promise<void> {
    const name = row.workflow_name ?? '';
    try {
      if (workflowMayExist && name) {
        // Only our own: a Workflow of that name without our run label belongs to someone else.
        const signal = AbortSignal.timeout(this.#deps.config.CLUSTER_WRITE_TIMEOUT_MS);
        const live = await this.#deps.workflows.get(row.namespace, name, signal);
        if (live && isWorkflowOfRun(live, row.id)) await this.#deps.workflows.delete(row.namespace, name, signal);
      }
      await this.#deps.db.transaction().execute(async (trx) => {
        await new RunRepository(trx).delete(row.id);
        if (key) await new IdempotencyRepository(trx).delete(key.owner, key.requestId);
      });
    } catch (cleanup) {
      this.#deps.onCleanupError?.(cleanup, `run ${row.id} (workflow ${row.namespace}/${name}) left pending creation`);
      throw new UnavailableError(
        key
          ? 'the run could not be confirmed; send the same requestId again to learn its outcome'
          : 'the run could not be confirmed; it is settled within the reconcile grace period',
        { runId: row.id, cause: cause instanceof Error ? cause.name : 'unknown' },
      );
    }
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
