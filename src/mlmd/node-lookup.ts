import type { Kysely } from 'kysely';
import type { MetadataArtifact, MetadataExecution } from './metadata-records.js';
import { allowedNamespaces, type MetadataScope } from './metadata-scope.js';
import type { MetadataTables } from './metadata-tables.js';
import { selectArtifactRows, selectExecutionRows, toArtifacts, toExecutions, type ArtifactRow, type ExecutionRow } from './node-records.js';
import { artifactVisible, executionVisible, runContextIds } from './scope-conditions.js';
import { chunksOf, distinct } from './sql-chunks.js';

/**
 * Batched lookups of artifacts and executions by id and by run: one statement per 500 keys, the rows with their
 * namespaces (node-records.ts).
 */

export async function artifactsByIds(db: Kysely<MetadataTables>, ids: readonly number[], scope: MetadataScope): Promise<Map<number, MetadataArtifact>> {
  const namespaces = allowedNamespaces(scope);
  const rows: ArtifactRow[] = [];
  for (const chunk of chunksOf(distinct(ids))) {
    rows.push(
      ...(await selectArtifactRows(db)
        .where('a.id', 'in', chunk)
        .where((eb) => artifactVisible(eb.ref('a.id'), namespaces) ?? eb.lit(true))
        .execute()),
    );
  }
  return new Map(toArtifacts(rows).map((artifact) => [artifact.id, artifact]));
}

export async function executionsByIds(db: Kysely<MetadataTables>, ids: readonly number[], scope: MetadataScope): Promise<Map<number, MetadataExecution>> {
  const namespaces = allowedNamespaces(scope);
  const rows: ExecutionRow[] = [];
  for (const chunk of chunksOf(distinct(ids))) {
    rows.push(
      ...(await selectExecutionRows(db)
        .where('x.id', 'in', chunk)
        .where((eb) => executionVisible(eb.ref('x.id'), namespaces) ?? eb.lit(true))
        .execute()),
    );
  }
  return new Map(toExecutions(rows).map((execution) => [execution.id, execution]));
}

/**
 * A run's artifacts: those attributed to the system.PipelineRun context named by the run ID (KFP v2's driver
 * names it so). The run context itself must be in scope, so a tenant cannot enumerate another tenant's run
 * even through an artifact both runs share.
 */
export async function artifactsByRunIds(db: Kysely<MetadataTables>, runIds: readonly string[], scope: MetadataScope): Promise<Map<string, MetadataArtifact[]>> {
  const byRun = new Map<string, MetadataArtifact[]>(runIds.map((id) => [id, []]));
  const namespaces = allowedNamespaces(scope);
  if (namespaces !== null && namespaces.length === 0) return byRun;
  for (const chunk of chunksOf(distinct(runIds))) {
    const rows = await selectArtifactRows(db)
      .innerJoin('Attribution as ra', 'ra.artifact_id', 'a.id')
      .innerJoin('Context as rctx', 'rctx.id', 'ra.context_id')
      .where('ra.context_id', 'in', runContextIds({ namespaces, runIds: chunk }))
      .select('rctx.name as run_id')
      .orderBy('a.create_time_since_epoch')
      .orderBy('a.id')
      .execute();
    const records = toArtifacts(rows);
    rows.forEach((row, i) => {
      byRun.get(row.run_id)?.push(records[i] as MetadataArtifact);
    });
  }
  return byRun;
}

export async function executionsByRunIds(
  db: Kysely<MetadataTables>,
  runIds: readonly string[],
  scope: MetadataScope,
): Promise<Map<string, MetadataExecution[]>> {
  const byRun = new Map<string, MetadataExecution[]>(runIds.map((id) => [id, []]));
  const namespaces = allowedNamespaces(scope);
  if (namespaces !== null && namespaces.length === 0) return byRun;
  for (const chunk of chunksOf(distinct(runIds))) {
    const rows = await selectExecutionRows(db)
      .innerJoin('Association as ra', 'ra.execution_id', 'x.id')
      .innerJoin('Context as rctx', 'rctx.id', 'ra.context_id')
      .where('ra.context_id', 'in', runContextIds({ namespaces, runIds: chunk }))
      .select('rctx.name as run_id')
      .orderBy('x.create_time_since_epoch')
      .orderBy('x.id')
      .execute();
    const records = toExecutions(rows);
    rows.forEach((row, i) => {
      byRun.get(row.run_id)?.push(records[i] as MetadataExecution);
    });
  }
  return byRun;
}
