import type { Authorizer } from '../authz/authorizer.js';
import { ForwardedCreates, IdempotentCreates, type CreateCommands } from '../idempotency/idempotent-creates.js';
import { IdempotencyRepository } from '../store/idempotency-repository.js';
import type { Config } from '../config/config.js';
import { ExperimentService } from '../experiments/experiment-service.js';
import type { ExperimentCommands, ExperimentReads } from '../experiments/experiment-store.js';
import type { KfpModeParts } from '../kfp/kfp-mode-services.js';
import { createKfpModeServices } from '../kfp/kfp-mode-services.js';
import type { PipelineCommands, PipelineReads } from '../pipelines/pipeline-store.js';
import type { RecurringRunCommands, RecurringRunReads } from '../recurring-runs/recurring-run-store.js';
import type { RunCommands, RunReads } from '../runs/run-store.js';
import { PipelineRepository } from '../store/pipeline-repository.js';
import type { NamespaceDirectory } from '../kube/namespace-directory.js';
import type { ScheduledWorkflowClient } from '../kube/scheduled-workflow-client.js';
import type { WorkflowClient } from '../kube/workflow-client.js';
import { MetadataReader } from '../mlmd/metadata-reader.js';
import type { MetadataTables } from '../mlmd/metadata-tables.js';
import { PipelineService } from '../pipelines/pipeline-service.js';
import { ExperimentRepository } from '../store/experiment-repository.js';
import { RecurringRunRepository } from '../store/recurring-run-repository.js';
import { RunRepository } from '../store/run-repository.js';
import { RecurringRunService } from '../recurring-runs/recurring-run-service.js';
import { RunService } from '../runs/run-service.js';
import { RunEvents } from '../sync/run-events.js';
import type { StoreHandle } from '../store/store-handle.js';
import type { PageLimits } from '../store/page-request.js';

/**
 * Everything a request may use that lives longer than the request: the stores, the services holding the
 * business rules, the namespace directory and the shared authorizer (with its cross-request cache).
 */
export interface AppServices {
  readonly config: Config;
  readonly store: StoreHandle;
  /** kfp-graph's own store, or the read-only metadata database of an existing KFP install. */
  readonly metadataStore: StoreHandle<MetadataTables>;
  readonly metadata: MetadataReader;
  readonly directory: NamespaceDirectory;
  readonly authorizer: Authorizer;
  /** KFP_MODE: which implementation answers `reads` and the commands below; nothing above this file asks. */
  readonly mode: 'standalone' | 'kfp';
  readonly experiments: ExperimentCommands;
  readonly pipelines: PipelineCommands;
  readonly runs: RunCommands;
  readonly recurringRuns: RecurringRunCommands;
  /** What resolvers and loaders read: kfp-graph's own tables (standalone) or KFP's mlpipeline (kfp mode). */
  readonly reads: {
    readonly experiments: ExperimentReads;
    readonly pipelines: PipelineReads;
    readonly runs: RunReads;
    readonly recurringRuns: RecurringRunReads;
  };
  /** createExperiment, createPipeline(Version), createRecurringRun, idempotent per (user, request ID). */
  readonly creates: CreateCommands;
  /** Argo Workflows as kfp-graph's service account (live reads of `Run.workflow`). */
  readonly workflows: WorkflowClient;
  /** Run updates from the sync controller, for `Subscription.runUpdated`. */
  readonly runEvents: RunEvents;
  /** kfp-graph's own tables (in kfp mode they hold nothing KFP has a place for; the demo seed and tests write them). */
  readonly repositories: {
    readonly experiments: ExperimentRepository;
    readonly pipelines: PipelineRepository;
    readonly runs: RunRepository;
    readonly recurringRuns: RecurringRunRepository;
  };
  readonly pageLimits: PageLimits;
  readonly now: () => number;
  /** kfp mode: statements sent to KFP's database (tests and benchmarks count them); null in standalone. */
  readonly kfpStatements: { readonly count: number } | null;
}

export interface AppServiceParts {
  readonly config: Config;
  readonly store: StoreHandle;
  readonly metadataStore?: StoreHandle<MetadataTables>;
  readonly directory: NamespaceDirectory;
  readonly authorizer: Authorizer;
  readonly workflows: WorkflowClient;
  readonly scheduledWorkflows: ScheduledWorkflowClient;
  readonly runEvents?: RunEvents;
  /** Where cleanup failures that leave an object behind are reported. */
  readonly onCleanupError?: (error: unknown, what: string) => void;
  readonly now?: () => number;
  /** kfp mode: KFP's mlpipeline database and API server (required when config.KFP_MODE is kfp). */
  readonly kfp?: KfpModeParts;
}

export function createAppServices(parts: AppServiceParts): AppServices {
  const { config, store, directory } = parts;
  const now = parts.now ?? Date.now;
  const metadataStore = parts.metadataStore ?? (store as unknown as StoreHandle<MetadataTables>);
  const repositories = {
    experiments: new ExperimentRepository(store.db),
    pipelines: new PipelineRepository(store.db),
    runs: new RunRepository(store.db),
    recurringRuns: new RecurringRunRepository(store.db),
  };
  const common = {
    config,
    store,
    metadataStore,
    metadata: new MetadataReader(metadataStore.db, { maxLineageDepth: config.MAX_LINEAGE_DEPTH }),
    directory,
    authorizer: parts.authorizer,
    workflows: parts.workflows,
    runEvents: parts.runEvents ?? new RunEvents(),
    repositories,
    pageLimits: { defaultSize: config.DEFAULT_PAGE_SIZE, maxSize: config.MAX_PAGE_SIZE },
    now,
  };
  // The one place the mode is chosen: below this, every caller sees the same interfaces.
  if (config.KFP_MODE === 'kfp') {
    if (!parts.kfp) throw new Error('KFP_MODE=kfp needs the KFP database and API client');
    const kfp = createKfpModeServices(parts.kfp, { config, directory, now });
    return {
      ...common,
      mode: 'kfp',
      kfpStatements: parts.kfp.statements ?? null,
      ...kfp,
      creates: new ForwardedCreates(kfp.experiments, kfp.pipelines, kfp.recurringRuns),
    };
  }
  const pipelines = new PipelineService(store.db, directory, config.MAX_SPEC_BYTES, now);
  const cleanup = parts.onCleanupError ? { onCleanupError: parts.onCleanupError } : {};
  const keys = new IdempotencyRepository(store.db);
  const recurringRuns = new RecurringRunService({
    config,
    recurringRuns: repositories.recurringRuns,
    experiments: repositories.experiments,
    pipelines: pipelines.repository,
    scheduledWorkflows: parts.scheduledWorkflows,
    now,
    ...cleanup,
  });
  const experiments = new ExperimentService(store.db, directory, recurringRuns, now);
  return {
    ...common,
    mode: 'standalone',
    kfpStatements: null,
    experiments,
    pipelines,
    runs: new RunService({
      config,
      db: store.db,
      runs: repositories.runs,
      keys,
      experiments: repositories.experiments,
      pipelines: pipelines.repository,
      workflows: parts.workflows,
      now,
      ...cleanup,
    }),
    recurringRuns,
    creates: new IdempotentCreates({ keys, now }, experiments, pipelines, recurringRuns),
    reads: { experiments: repositories.experiments, pipelines: pipelines.repository, runs: repositories.runs, recurringRuns: repositories.recurringRuns },
  };
}
