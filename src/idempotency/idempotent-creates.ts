import type { WriteGuard } from '../app/write-guard.js';
import { InvalidInputError } from '../errors/domain-errors.js';
import type { CreateExperiment, ExperimentService } from '../experiments/experiment-service.js';
import type { ExperimentCommands } from '../experiments/experiment-store.js';
import type { PipelineCommands } from '../pipelines/pipeline-store.js';
import type { RecurringRunCommands } from '../recurring-runs/recurring-run-store.js';
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
type WithRequestId<I> = I & { readonly requestId?: string | null };

/** The create mutations other than createRun, as the resolvers call them in either mode. */
export interface CreateCommands {
  experiment(input: WithRequestId<CreateExperiment>, request: CreateRequest): Promise<ExperimentRow>;
  pipeline(input: WithRequestId<Parameters<PipelineService['create']>[0]>, request: CreateRequest): Promise<PipelineCreated>;
  pipelineVersion(
    pipelineId: string,
    input: WithRequestId<Parameters<PipelineService['createVersion']>[1]>,
    request: CreateRequest,
  ): Promise<PipelineVersionRow>;
  recurringRun(input: WithRequestId<CreateRecurringRun>, request: CreateRequest): Promise<RecurringRunRow>;
}

/**
 * The create mutations other than createRun (which has its own two-phase protocol in RunService), each made
 * idempotent per (user, request ID) by `idempotentCreate`. The services stay unaware of request IDs: they only
 * accept the ID to create under.
 */
export class IdempotentCreates implements CreateCommands {
  readonly #deps: { readonly keys: IdempotencyRepository; readonly now: () => number };
  readonly #experiments: ExperimentService;
  readonly #pipelines: PipelineService;
  readonly #recurringRuns: RecurringRunService;

  constructor(
    deps: { readonly keys: IdempotencyRepository; readonly now: () => number },
    experiments: ExperimentService,
    pipelines: PipelineService,
    recurringRuns: RecurringRunService,
  ) {
    this.#deps = deps;
    this.#experiments = experiments;
    this.#pipelines = pipelines;
    this.#recurringRuns = recurringRuns;
  }

  experiment(input: CreateExperiment & { readonly requestId?: string | null }, request: CreateRequest): Promise<ExperimentRow> {
    return idempotentCreate(
      this.#deps,
      this.#call(request, 'createExperiment', input),
      (id) => this.#experiments.create(input, request.identity, id),
      (id) => this.#experiments.get(id).catch(() => undefined),
    );
  }

  pipeline(input: Parameters<PipelineService['create']>[0] & { readonly requestId?: string | null }, request: CreateRequest): Promise<PipelineCreated> {
    return idempotentCreate(
      this.#deps,
      this.#call(request, 'createPipeline', input),
      (id) => this.#pipelines.create(input, request.identity, id),
      (id) => this.#pipelines.createdPipeline(id),
    );
  }

  pipelineVersion(
    pipelineId: string,
    input: Parameters<PipelineService['createVersion']>[1] & { readonly requestId?: string | null },
    request: CreateRequest,
  ): Promise<PipelineVersionRow> {
    return idempotentCreate(
      this.#deps,
      this.#call(request, 'createPipelineVersion', { ...input, pipelineId }),
      (id) => this.#pipelines.createVersion(pipelineId, input, request.identity, id),
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

/**
 * kfp mode: the creates go to KFP's API, which chooses the new object's ID itself, so a retry cannot be
 * recognised by a pre-chosen ID the way IdempotentCreates does it. Rather than promise exactly-once and then
 * duplicate on a lost answer, a `requestId` is refused here, saying why (docs/architecture.md "Faults").
 */
export class ForwardedCreates implements CreateCommands {
  readonly #experiments: ExperimentCommands;
  readonly #pipelines: PipelineCommands;
  readonly #recurringRuns: RecurringRunCommands;

  constructor(experiments: ExperimentCommands, pipelines: PipelineCommands, recurringRuns: RecurringRunCommands) {
    this.#experiments = experiments;
    this.#pipelines = pipelines;
    this.#recurringRuns = recurringRuns;
  }

  experiment(input: WithRequestId<CreateExperiment>, request: CreateRequest): Promise<ExperimentRow> {
    return this.#forward(input, request, (rest) => this.#experiments.create(rest, request.identity));
  }

  pipeline(input: WithRequestId<Parameters<PipelineService['create']>[0]>, request: CreateRequest): Promise<PipelineCreated> {
    return this.#forward(input, request, (rest) => this.#pipelines.create(rest, request.identity));
  }

  pipelineVersion(
    pipelineId: string,
    input: WithRequestId<Parameters<PipelineService['createVersion']>[1]>,
    request: CreateRequest,
  ): Promise<PipelineVersionRow> {
    return this.#forward(input, request, (rest) => this.#pipelines.createVersion(pipelineId, rest, request.identity));
  }

  recurringRun(input: WithRequestId<CreateRecurringRun>, request: CreateRequest): Promise<RecurringRunRow> {
    return this.#forward(input, request, (rest) => this.#recurringRuns.create(rest, request.identity));
  }

  async #forward<I extends { readonly requestId?: string | null }, T>(
    input: I,
    request: CreateRequest,
    create: (rest: Omit<I, 'requestId'>) => Promise<T>,
  ): Promise<T> {
    const { requestId, ...rest } = input;
    if (requestId)
      throw new InvalidInputError(
        'requestId is not supported with KFP_MODE=kfp: KFP chooses the ID of what it creates, so a retry could not be recognised',
        'input.requestId',
      );
    request.guard?.beginWrite();
    return create(rest);
  }
}
