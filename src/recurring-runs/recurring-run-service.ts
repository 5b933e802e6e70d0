import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.js';
import { InvalidInputError, NotFoundError } from '../errors/domain-errors.js';
import type { Identity } from '../identity/identity.js';
import { apiStatusCode, toDomainError } from '../kube/kube-api-error.js';
import type { ScheduledWorkflowClient } from '../kube/scheduled-workflow-client.js';
import { workflowName } from '../kube/workflow/run-workflow.js';
import { planRun } from '../runs/run-plan.js';
import type { RecurringRunRow } from '../store/database.js';
import type { ExperimentRepository } from '../store/experiment-repository.js';
import type { PipelineRepository } from '../store/pipeline-repository.js';
import type { RecurringRunRepository } from '../store/recurring-run-repository.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { normalizeCron } from './cron-schedule.js';
import { buildScheduledWorkflow } from './scheduled-workflow-builder.js';

export interface CreateRecurringRun {
  readonly namespace: string;
  readonly experimentId: string;
  readonly pipelineVersionId: string;
  readonly name: string;
  readonly description?: string | null;
  readonly parameters?: unknown;
  readonly serviceAccount?: string | null;
  readonly cron?: string | null;
  readonly intervalSeconds?: number | null;
  readonly maxConcurrency?: number | null;
  readonly catchup?: boolean | null;
  readonly startAt?: Date | null;
  readonly endAt?: Date | null;
  readonly enabled?: boolean | null;
}

export interface RecurringRunServiceDeps {
  readonly config: Config;
  readonly recurringRuns: RecurringRunRepository;
  readonly experiments: ExperimentRepository;
  readonly pipelines: PipelineRepository;
  readonly scheduledWorkflows: ScheduledWorkflowClient;
  readonly now: () => number;
  readonly onCleanupError?: (error: unknown, what: string) => void;
}

/** KFP's bounds on max_concurrency (backend/src/apiserver/server/job_server.go). */
const MAX_CONCURRENCY = 10;

/**
 * Recurring runs: a ScheduledWorkflow in the tenant namespace and its SQL record, written both or neither.
 * The creator (user and groups) is stored: the sync controller attributes each produced run to it and re-checks
 * that it may still create runs (kubeflow/pipelines#14363).
 */
export class RecurringRunService {
  readonly #deps: RecurringRunServiceDeps;

  constructor(deps: RecurringRunServiceDeps) {
    this.#deps = deps;
  }

  async get(id: string): Promise<RecurringRunRow> {
    const [row] = await this.#deps.recurringRuns.byIds([id]);
    if (!row) throw new NotFoundError('recurring run not found');
    return row;
  }

  /** `id` is chosen by the caller when a request ID must find this recurring run again (src/idempotency). */
  async create(input: CreateRecurringRun, creator: Identity, id: string = randomUUID()): Promise<RecurringRunRow> {
    const { scheduledWorkflows, recurringRuns, now } = this.#deps;
    const trigger = this.#trigger(input);
    const maxConcurrency = input.maxConcurrency ?? 1;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > MAX_CONCURRENCY) {
      throw new InvalidInputError(`maxConcurrency must be between 1 and ${MAX_CONCURRENCY}`, 'input.maxConcurrency');
    }
    const scheduledName = workflowName(input.name, id);
    const { name, description, parameters, experiment, source, serviceAccount, workflow } = await planRun(this.#deps, input, creator, {
      runId: id,
      recurringRunId: scheduledName,
    });
    const enabled = input.enabled ?? true;
    const object = buildScheduledWorkflow({
      name: scheduledName,
      namespace: input.namespace,
      recurringRunId: id,
      enabled,
      maxConcurrency,
      catchup: input.catchup ?? true,
      ...trigger,
      workflow,
      parameters,
    });
    await scheduledWorkflows.create(input.namespace, object).catch((error: unknown) => {
      throw toDomainError(error, 'scheduled workflow');
    });
    const at = now();
    const row: RecurringRunRow = {
      id,
      namespace: input.namespace,
      experiment_id: experiment.id,
      pipeline_version_id: source.pipelineVersionId as string,
      name,
      description,
      cron: trigger.cron,
      interval_seconds: trigger.intervalSeconds,
      max_concurrency: maxConcurrency,
      catchup: (input.catchup ?? true) ? 1 : 0,
      start_at: trigger.startAt,
      end_at: trigger.endAt,
      enabled: enabled ? 1 : 0,
      parameters: JSON.stringify(parameters),
      service_account: serviceAccount,
      created_by: creator.user,
      created_by_groups: JSON.stringify(creator.groups),
      scheduled_workflow_name: scheduledName,
      created_at: at,
      updated_at: at,
    };
    try {
      await recurringRuns.insert(row);
    } catch (error) {
      await scheduledWorkflows
        .delete(input.namespace, scheduledName)
        .catch((cleanup: unknown) => this.#deps.onCleanupError?.(cleanup, `scheduledworkflow ${input.namespace}/${scheduledName}`));
      if (isUniqueViolation(error)) throw new InvalidInputError(`a recurring run named ${name} exists in ${input.namespace}`, 'input.name');
      throw error;
    }
    return row;
  }

  #trigger(input: CreateRecurringRun): { cron: string | null; intervalSeconds: number | null; startAt: number | null; endAt: number | null } {
    const hasCron = input.cron != null && input.cron !== '';
    const hasInterval = input.intervalSeconds != null;
    if (hasCron === hasInterval) throw new InvalidInputError('give exactly one of cron and intervalSeconds', 'input.cron');
    if (hasInterval && (!Number.isInteger(input.intervalSeconds) || (input.intervalSeconds as number) < 1)) {
      throw new InvalidInputError('intervalSeconds must be a positive integer', 'input.intervalSeconds');
    }
    const startAt = input.startAt ? input.startAt.getTime() : null;
    const endAt = input.endAt ? input.endAt.getTime() : null;
    if (startAt !== null && endAt !== null && endAt <= startAt) throw new InvalidInputError('endAt must be after startAt', 'input.endAt');
    return {
      cron: hasCron ? normalizeCron(input.cron as string) : null,
      intervalSeconds: hasInterval ? (input.intervalSeconds as number) : null,
      startAt,
      endAt,
    };
  }

  async setEnabled(id: string, enabled: boolean): Promise<RecurringRunRow> {
    const row = await this.get(id);
    await this.#deps.scheduledWorkflows.mergePatch(row.namespace, row.scheduled_workflow_name, { spec: { enabled } }).catch((error: unknown) => {
      throw toDomainError(error, enabled ? 'enable' : 'disable');
    });
    const changes = { enabled: enabled ? 1 : 0, updated_at: this.#deps.now() };
    await this.#deps.recurringRuns.update(id, changes);
    return { ...row, ...changes };
  }

  /**
   * Archiving an experiment disables its recurring runs in the cluster first, as KFP's `ArchiveExperiment` patches
   * `spec.enabled: false` onto every ScheduledWorkflow of the experiment before its database transaction
   * (KFP: backend/src/apiserver/resource/resource_manager.go); the rows are disabled in that transaction
   * (ExperimentService). Every one is patched, enabled or not, so a row out of step with its object cannot leave a
   * schedule running. A ScheduledWorkflow already gone from the cluster has nothing to disable.
   */
  async disableScheduledWorkflows(experimentId: string): Promise<void> {
    for await (const row of this.#deps.recurringRuns.allOfExperiment(experimentId)) {
      await this.#deps.scheduledWorkflows.mergePatch(row.namespace, row.scheduled_workflow_name, { spec: { enabled: false } }).catch((error: unknown) => {
        if (apiStatusCode(error) === 404) return;
        throw toDomainError(error, `disable of recurring run ${row.name}`);
      });
    }
  }

  /** Deletes the ScheduledWorkflow (if still there) and the record; the runs it produced stay. */
  async delete(id: string): Promise<RecurringRunRow> {
    const row = await this.get(id);
    await this.#deps.scheduledWorkflows.delete(row.namespace, row.scheduled_workflow_name).catch((error: unknown) => {
      throw toDomainError(error, 'deletion');
    });
    await this.#deps.recurringRuns.delete(id);
    return row;
  }
}
