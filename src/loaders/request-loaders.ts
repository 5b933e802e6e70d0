import DataLoader from 'dataloader';
import type { RequestAuthorizer } from '../authz/request-authorizer.js';
import type { MetadataReader } from '../mlmd/metadata-reader.js';
import type { MetadataArtifact, MetadataEvent, MetadataExecution, MetadataPropertySet } from '../mlmd/metadata-records.js';
import type { ExperimentRow, PipelineRow, PipelineVersionRow, RecurringRunRow, RunRow } from '../store/database.js';
import type { ExperimentFilter, ExperimentRepository } from '../store/experiment-repository.js';
import type { PipelineFilter, PipelineRepository } from '../store/pipeline-repository.js';
import type { RecurringRunFilter, RecurringRunRepository } from '../store/recurring-run-repository.js';
import type { RunCountColumn, RunFilter, RunRepository } from '../store/run-repository.js';
import type { ExperimentReads } from '../experiments/experiment-store.js';
import type { PipelineReads } from '../pipelines/pipeline-store.js';
import type { RecurringRunReads } from '../recurring-runs/recurring-run-store.js';
import type { RunReads } from '../runs/run-store.js';
import { byKey, fromMap } from './batch-by-key.js';
import { createGroupedCountLoader } from './grouped-count-loader.js';
import type { WorkflowClient } from '../kube/workflow-client.js';
import type { RunLabel } from '../kube/workflow/run-labels.js';
import { InvalidInputError } from '../errors/domain-errors.js';
import { createLiveWorkflowLoader } from '../runs/live-workflow-loader.js';

export interface LoaderSources {
  readonly experiments: ExperimentReads;
  readonly pipelines: PipelineReads;
  readonly runs: RunReads;
  readonly recurringRuns: RecurringRunReads;
  readonly metadata: MetadataReader;
  readonly workflows: WorkflowClient;
  readonly workflowReadTimeoutMs: number;
  /** The label naming a Workflow's run: kfp-graph's own (standalone) or KFP's `pipeline/runid` (kfp mode). */
  readonly runLabel: RunLabel;
  /** Indexed counts for `totalCount`: kfp-graph's own tables; null in kfp mode, where it is not offered yet. */
  readonly counts: {
    readonly experiments: Pick<ExperimentRepository, 'countByNamespaces'>;
    readonly pipelines: Pick<PipelineRepository, 'countByNamespaces' | 'countVersions'>;
    readonly runs: Pick<RunRepository, 'countGrouped'>;
    readonly recurringRuns: Pick<RecurringRunRepository, 'countByNamespaces'>;
  } | null;
}

function countsOf(sources: LoaderSources): NonNullable<LoaderSources['counts']> {
  if (!sources.counts) throw new InvalidInputError('totalCount is not offered with KFP_MODE=kfp yet: page through the connection instead', 'totalCount');
  return sources.counts;
}

const NO_PROPERTIES: MetadataPropertySet = { properties: {}, customProperties: {} };

/**
 * Every relation a resolver follows, batched: one statement per relation per tick of the event loop, however
 * many rows a page holds. Built once per request so that caching never crosses identities. Metadata is read in
 * the caller's scope, so an object of another tenant loads as null, never as a row to filter out later.
 */
export function createRequestLoaders(sources: LoaderSources, authz: RequestAuthorizer) {
  const scope = () => authz.metadataScope();
  const artifact = new DataLoader<number, MetadataArtifact | null>(async (ids) =>
    fromMap<number, MetadataArtifact | null>(ids, await sources.metadata.artifactsByIds(ids, await scope()), null),
  );
  const execution = new DataLoader<number, MetadataExecution | null>(async (ids) =>
    fromMap<number, MetadataExecution | null>(ids, await sources.metadata.executionsByIds(ids, await scope()), null),
  );
  return {
    liveWorkflow: createLiveWorkflowLoader(sources.workflows, sources.workflowReadTimeoutMs, sources.runLabel),
    experiment: new DataLoader<string, ExperimentRow | null>(async (ids) => byKey(ids, await sources.experiments.byIds(ids), (r) => r.id)),
    run: new DataLoader<string, RunRow | null>(async (ids) => byKey(ids, await sources.runs.byIds(ids), (r) => r.id)),
    recurringRun: new DataLoader<string, RecurringRunRow | null>(async (ids) => byKey(ids, await sources.recurringRuns.byIds(ids), (r) => r.id)),
    pipeline: new DataLoader<string, PipelineRow | null>(async (ids) => byKey(ids, await sources.pipelines.byIds(ids), (r) => r.id)),
    pipelineVersion: new DataLoader<string, PipelineVersionRow | null>(async (ids) => byKey(ids, await sources.pipelines.versionsByIds(ids), (r) => r.id)),
    latestVersion: new DataLoader<string, PipelineVersionRow | null>(async (pipelineIds) =>
      byKey(pipelineIds, await sources.pipelines.latestVersions(pipelineIds), (r) => r.pipeline_id),
    ),
    runCountByExperiment: new DataLoader<string, number>(async (ids) => fromMap(ids, await sources.runs.countByExperiments(ids), 0)),
    /** `totalCount` of run connections: one grouped statement per column and filter per tick. */
    runTotal: createGroupedCountLoader<RunCountColumn, RunFilter>((column, values, filter) => countsOf(sources).runs.countGrouped(column, values, filter)),
    versionTotal: new DataLoader<string, number>(async (ids) => fromMap(ids, await countsOf(sources).pipelines.countVersions(ids), 0)),
    pipelineTotal: createGroupedCountLoader<'namespace', PipelineFilter>((_column, values, filter) =>
      countsOf(sources).pipelines.countByNamespaces(values, filter),
    ),
    recurringRunTotal: createGroupedCountLoader<'namespace', RecurringRunFilter>((_column, values, filter) =>
      countsOf(sources).recurringRuns.countByNamespaces(values, filter),
    ),
    experimentTotal: createGroupedCountLoader<'namespace', ExperimentFilter>((_column, values, filter) =>
      countsOf(sources).experiments.countByNamespaces(values, filter),
    ),
    artifact,
    execution,
    executionsByRun: new DataLoader<string, readonly MetadataExecution[]>(async (runIds) =>
      fromMap(runIds, await sources.metadata.executionsByRunIds(runIds, await scope()), []),
    ),
    artifactsByRun: new DataLoader<string, readonly MetadataArtifact[]>(async (runIds) =>
      fromMap(runIds, await sources.metadata.artifactsByRunIds(runIds, await scope()), []),
    ),
    // Events come with the node at their other end (same scope, same statement), primed into its loader: a
    // resolver that follows events to artifacts (Execution.outputs) or executions (Artifact.producer) then
    // costs no further round trip. The dashboard query's budget of six statements relies on it.
    eventsByExecution: new DataLoader<number, readonly MetadataEvent[]>(async (ids) => {
      const found = await sources.metadata.eventsWithArtifactsByExecutionIds(ids, await scope());
      for (const [id, record] of found.artifacts) artifact.prime(id, record);
      return fromMap(ids, found.events, []);
    }),
    eventsByArtifact: new DataLoader<number, readonly MetadataEvent[]>(async (ids) => {
      const found = await sources.metadata.eventsWithExecutionsByArtifactIds(ids, await scope());
      for (const [id, record] of found.executions) execution.prime(id, record);
      return fromMap(ids, found.events, []);
    }),
    artifactProperties: new DataLoader<number, MetadataPropertySet>(async (ids) =>
      fromMap(ids, await sources.metadata.propertiesOf('artifact', ids), NO_PROPERTIES),
    ),
    executionProperties: new DataLoader<number, MetadataPropertySet>(async (ids) =>
      fromMap(ids, await sources.metadata.propertiesOf('execution', ids), NO_PROPERTIES),
    ),
  };
}

export type RequestLoaders = ReturnType<typeof createRequestLoaders>;
