import type { Authorizer } from '../authz/authorizer.js';
import { IdempotentCreates } from '../idempotency/idempotent-creates.js';
import { IdempotencyRepository } from '../store/idempotency-repository.js';
import type { Config } from '../config/config.js';
import { ExperimentService } from '../experiments/experiment-service.js';
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
  readonly experiments: ExperimentService;
  readonly pipelines: PipelineService;
  readonly runs: RunService;
  readonly recurringRuns: RecurringRunService;
  /** createExperiment, createPipeline(Version), createRecurringRun, idempotent per (user, request ID). */
  readonly creates: IdempotentCreates;
  /** Argo Workflows as kfp-graph's service account (live reads of `Run.workflow`). */
  readonly workflows: WorkflowClient;
  /** Run updates from the sync controller, for `Subscription.runUpdated`. */
  readonly runEvents: RunEvents;
  readonly repositories: {
    readonly experiments: ExperimentRepository;
    readonly runs: RunRepository;
    readonly recurringRuns: RecurringRunRepository;
  };
  readonly pageLimits: PageLimits;
  readonly now: () => number;
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
}

export function createAppServices(parts: AppServiceParts): AppServices {
  const { config, store, directory } = parts;
  const now = parts.now ?? Date.now;
  const metadataStore = parts.metadataStore ?? (store as unknown as StoreHandle<MetadataTables>);
  const repositories = {
    experiments: new ExperimentRepository(store.db),
    runs: new RunRepository(store.db),
    recurringRuns: new RecurringRunRepository(store.db),
  };
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
    config,
    store,
    metadataStore,
    metadata: new MetadataReader(metadataStore.db, { maxLineageDepth: config.MAX_LINEAGE_DEPTH }),
    directory,
    authorizer: parts.authorizer,
    experiments,
    pipelines,
    runs: new RunService({ config, db: store.db, runs: repositories.runs, keys, experiments: repositories.experiments, pipelines: pipelines.repository, workflows: parts.workflows, now, ...cleanup }),
    recurringRuns,
    creates: new IdempotentCreates({ keys, now }, experiments, pipelines, recurringRuns),
    workflows: parts.workflows,
    runEvents: parts.runEvents ?? new RunEvents(),
    repositories,
    pageLimits: { defaultSize: config.DEFAULT_PAGE_SIZE, maxSize: config.MAX_PAGE_SIZE },
    now,
  };
}
