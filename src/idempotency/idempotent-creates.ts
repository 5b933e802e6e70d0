import type { WriteGuard } from '../app/write-guard.js';
import type { CreateExperiment, ExperimentService } from '../experiments/experiment-service.js';
import type { Identity } from '../identity/identity.js';
import type { PipelineService } from '../pipelines/pipeline-service.js';
import type { CreateRecurringRun, RecurringRunService } from '../recurring-runs/recurring-run-service.js';
import type { ExperimentRow, PipelineRow, PipelineVersionRow, RecurringRunRow } from '../store/database.js';
import type { IdempotencyRepository } from '../store/idempotency-repository.js';
import { idempotentCreate } from './idempotent-create.js';
import { requestKeyOf } from './request-key.js';

/** A create as a resolver hands it over: who asks, the request ID they chose (if any), the write guard. */
export interface CreateRequest {
  readonly identity: Identity;
  readonly requestId?: string | null;
  readonly guard?: WriteGuard;
}

type PipelineCreated = { pipeline: PipelineRow; version: PipelineVersionRow | null };

/**
 * The create mutations other than createRun (which has its own two-phase protocol in RunService), each made
 * idempotent per (user, request ID) by `idempotentCreate`. The services stay unaware of request IDs: they only
 * accept the ID to create under.
 */
export class IdempotentCreates {
  readonly #deps: { readonly keys: IdempotencyRepository; readonly now: () => number };
  readonly #experiments: ExperimentService;
  readonly #pipelines: PipelineService;
  readonly #recurringRuns: RecurringRunService;

  constructor(deps: { readonly keys: IdempotencyRepository; readonly now: () => number }, experiments: ExperimentService, pipelines: PipelineService, recurringRuns: RecurringRunService) {
    this.#deps = deps;
    this.#experiments = experiments;
    this.#pipelines = pipelines;
    this.#recurringRuns = recurringRuns;
  }

  experiment(input: CreateExperiment & { readonly requestId?: string | null }, request: CreateRequest): Promise<ExperimentRow> {
    return idempotentCreate(
      this.#deps,
      this.#call(request, 'createExperiment', input),
      (id) => this.#experiments.create(input, id),
      (id) => this.#experiments.get(id).catch(() => undefined),
    );
  }

  pipeline(input: Parameters<PipelineService['create']>[0] & { readonly requestId?: string | null }, request: CreateRequest): Promise<PipelineCreated> {
    return idempotentCreate(
      this.#deps,
      this.#call(request, 'createPipeline', input),
      (id) => this.#pipelines.create(input, id),
      (id) => this.#pipelines.createdPipeline(id),
    );
  }

  pipelineVersion(pipelineId: string, input: Parameters<PipelineService['createVersion']>[1] & { readonly requestId?: string | null }, request: CreateRequest): Promise<PipelineVersionRow> {
    return idempotentCreate(
      this.#deps,
      this.#call(request, 'createPipelineVersion', { ...input, pipelineId }),
      (id) => this.#pipelines.createVersion(pipelineId, input, id),
      (id) => this.#pipelines.getVersion(id).catch(() => undefined),
    );
  }

  recurringRun(input: CreateRecurringRun & { readonly requestId?: string | null }, request: CreateRequest): Promise<RecurringRunRow> {
    return idempotentCreate(
      this.#deps,
      this.#call(request, 'createRecurringRun', input),
      (id) => this.#recurringRuns.create(input, request.identity, id),
      (id) => this.#recurringRuns.get(id).catch(() => undefined),
    );
  }

  #call<I extends { readonly requestId?: string | null }>(request: CreateRequest, operation: string, input: I) {
    return { key: requestKeyOf(input.requestId, request.identity, operation, input), ...(request.guard ? { guard: request.guard } : {}) };
  }
}
