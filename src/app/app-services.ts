import type { Authorizer } from '../authz/authorizer.js';
import type { Config } from '../config/config.js';
import { ExperimentService } from '../experiments/experiment-service.js';
import type { NamespaceDirectory } from '../kube/namespace-directory.js';
import { MetadataReader } from '../mlmd/metadata-reader.js';
import type { MetadataTables } from '../mlmd/metadata-tables.js';
import { PipelineService } from '../pipelines/pipeline-service.js';
import { ExperimentRepository } from '../store/experiment-repository.js';
import { RecurringRunRepository } from '../store/recurring-run-repository.js';
import { RunRepository } from '../store/run-repository.js';
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
  readonly now?: () => number;
}

export function createAppServices(parts: AppServiceParts): AppServices {
  const { config, store, directory } = parts;
  const now = parts.now ?? Date.now;
  const metadataStore = parts.metadataStore ?? (store as unknown as StoreHandle<MetadataTables>);
  return {
    config,
    store,
    metadataStore,
    metadata: new MetadataReader(metadataStore.db, { maxLineageDepth: config.MAX_LINEAGE_DEPTH }),
    directory,
    authorizer: parts.authorizer,
    experiments: new ExperimentService(store.db, directory, now),
    pipelines: new PipelineService(store.db, directory, config.MAX_SPEC_BYTES, now),
    repositories: {
      experiments: new ExperimentRepository(store.db),
      runs: new RunRepository(store.db),
      recurringRuns: new RecurringRunRepository(store.db),
    },
    pageLimits: { defaultSize: config.DEFAULT_PAGE_SIZE, maxSize: config.MAX_PAGE_SIZE },
    now,
  };
}
