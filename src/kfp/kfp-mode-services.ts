import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import type { NamespaceDirectory } from '../kube/namespace-directory.js';
import type { KfpApiClient } from './kfp-api-client.js';
import { KfpExperimentCommands } from './kfp-experiment-commands.js';
import { KfpExperimentReads } from './kfp-experiment-reads.js';
import { KfpPipelineCommands } from './kfp-pipeline-commands.js';
import { KfpPipelineReads } from './kfp-pipeline-reads.js';
import { KfpRecurringRunCommands } from './kfp-recurring-run-commands.js';
import { KfpRecurringRunReads } from './kfp-recurring-run-reads.js';
import { KfpRunCommands } from './kfp-run-commands.js';
import { KfpRunReads } from './kfp-run-reads.js';
import type { KfpDatabase } from './kfp-tables.js';

/** What kfp mode needs beyond the common parts: KFP's database (read-only) and its API server. */
export interface KfpModeParts {
  readonly db: Kysely<KfpDatabase>;
  readonly api: KfpApiClient;
  /** Statements sent to KFP's database (tests and benchmarks count them). */
  readonly statements?: { count: number };
}

/** The kfp-mode implementations of every domain store: reads from mlpipeline, writes through KFP's REST API. */
export function createKfpModeServices(
  parts: KfpModeParts,
  common: { readonly config: Config; readonly directory: NamespaceDirectory; readonly now: () => number },
) {
  const reads = {
    experiments: new KfpExperimentReads(parts.db),
    pipelines: new KfpPipelineReads(parts.db),
    runs: new KfpRunReads(parts.db),
    recurringRuns: new KfpRecurringRunReads(parts.db),
  };
  const source = { experiments: reads.experiments, pipelines: reads.pipelines };
  return {
    reads,
    experiments: new KfpExperimentCommands(reads.experiments, parts.api, common.directory),
    pipelines: new KfpPipelineCommands(reads.pipelines, parts.api, common.directory, common.config.MAX_SPEC_BYTES),
    runs: new KfpRunCommands(reads.runs, source, parts.api, common.config),
    recurringRuns: new KfpRecurringRunCommands(reads.recurringRuns, source, parts.api, common.config),
  };
}
