import DataLoader from 'dataloader';
import type { RequestAuthorizer } from '../authz/request-authorizer.js';
import type { MetadataReader } from '../mlmd/metadata-reader.js';
import type { MetadataArtifact, MetadataEvent, MetadataExecution, MetadataPropertySet } from '../mlmd/metadata-records.js';
import type { ExperimentRow, PipelineRow, PipelineVersionRow, RecurringRunRow, RunRow } from '../store/database.js';
import type { ExperimentReads } from '../experiments/experiment-store.js';
import type { PipelineReads } from '../pipelines/pipeline-store.js';
import type { RecurringRunReads } from '../recurring-runs/recurring-run-store.js';
import type { RunReads } from '../runs/run-store.js';
import { byKey, fromMap } from './batch-by-key.js';
import type { WorkflowClient } from '../kube/workflow-client.js';
import { createLiveWorkflowLoader } from '../runs/live-workflow-loader.js';

export interface LoaderSources {
  readonly experiments: ExperimentReads;
  readonly pipelines: PipelineReads;
  readonly runs: RunReads;
  readonly recurringRuns: RecurringRunReads;
  readonly metadata: MetadataReader;
  readonly workflows: WorkflowClient;
  readonly workflowReadTimeoutMs: number;
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
    liveWorkflow: createLiveWorkflowLoader(sources.workflows, sources.workflowReadTimeoutMs),
    experiment: new DataLoader<string, ExperimentRow | null>(async (ids) => byKey(ids, await sources.experiments.byIds(ids), (r) => r.id)),
    run: new DataLoader<string, RunRow | null>(async (ids) => byKey(ids, await sources.runs.byIds(ids), (r) => r.id)),
    recurringRun: new DataLoader<string, RecurringRunRow | null>(async (ids) =>
      byKey(ids, await sources.recurringRuns.byIds(ids), (r) => r.id),
    ),
    pipeline: new DataLoader<string, PipelineRow | null>(async (ids) => byKey(ids, await sources.pipelines.byIds(ids), (r) => r.id)),
    pipelineVersion: new DataLoader<string, PipelineVersionRow | null>(async (ids) =>
      byKey(ids, await sources.pipelines.versionsByIds(ids), (r) => r.id),
    ),
    latestVersion: new DataLoader<string, PipelineVersionRow | null>(async (pipelineIds) =>
      byKey(pipelineIds, await sources.pipelines.latestVersions(pipelineIds), (r) => r.pipeline_id),
    ),
    runCountByExperiment: new DataLoader<string, number>(async (ids) => fromMap(ids, await sources.runs.countByExperiments(ids), 0)),
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
