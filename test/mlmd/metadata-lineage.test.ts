import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/domain-errors.js';
import { MetadataReader } from '../../src/mlmd/metadata-reader.js';
import { CLUSTER_SCOPE, namespacesScope, type MetadataScope } from '../../src/mlmd/metadata-scope.js';
import type { MetadataTables } from '../../src/mlmd/metadata-tables.js';
import { MetadataWriter } from '../../src/mlmd/metadata-writer.js';
import type { RecordedRunIds } from '../../src/mlmd/run-record.js';
import type { StoreHandle } from '../../src/store/store-handle.js';
import { createTestStore, DIALECTS } from '../support/databases.js';
import { chainRun } from './run-fixtures.js';

const LAYERS = 6;
const FAN_OUT = 30;
const TEAM = namespacesScope(['team-a']);

describe.each(DIALECTS)('lineage on %s', (dialect) => {
  let store: StoreHandle<MetadataTables>;
  let reader: MetadataReader;
  let wide: RecordedRunIds;
  let narrow: RecordedRunIds;

  beforeAll(async () => {
    store = (await createTestStore(dialect)) as unknown as StoreHandle<MetadataTables>;
    reader = new MetadataReader(store.db, { maxLineageDepth: 12 });
    const writer = new MetadataWriter(store.db, store.dialect);
    wide = await writer.recordRun(chainRun('wide', 'team-a', LAYERS, FAN_OUT));
    narrow = await writer.recordRun(chainRun('narrow', 'team-a', LAYERS, 1));
  });
  afterAll(async () => store?.close());

  const lastOutput = (run: RecordedRunIds, _runId: string): number =>
    [...run.artifactIds.entries()].find(([identity]) => identity.endsWith(`/step${LAYERS}/out0`))?.[1] as number;
  const firstOutput = (run: RecordedRunIds, runId: string): number =>
    [...run.artifactIds.entries()].find(([identity]) => identity.endsWith(`/${runId}/step1/out0`))?.[1] as number;

  async function measured(scope: MetadataScope, run: RecordedRunIds, runId: string, depth: number) {
    const before = store.statements.count;
    const graph = await reader.lineage({ start: { kind: 'artifact', id: lastOutput(run, runId) }, direction: 'UPSTREAM', depth, scope });
    return { graph, statements: store.statements.count - before };
  }

  it.each([
    [1, 1, 1, 1],
    [3, 1 + FAN_OUT, 2, 1 + 2 * FAN_OUT],
    [5, 1 + 2 * FAN_OUT, 3, 1 + 4 * FAN_OUT],
  ])('upstream depth %i: %i artifacts, %i executions, %i edges', async (depth, artifacts, executions, edges) => {
    const { graph } = await measured(TEAM, wide, 'wide', depth);
    expect(graph.artifacts).toHaveLength(artifacts);
    expect(graph.executions.map((e) => e.name)).toEqual([`step${LAYERS}`, `step${LAYERS - 1}`, `step${LAYERS - 2}`].slice(0, executions));
    expect(graph.edges).toHaveLength(edges);
    expect(graph.truncated).toBe(false);
    expect(graph.artifacts[0]?.id).toBe(lastOutput(wide, 'wide'));
  });

  it('sends at most depth + 5 statements, however many nodes each hop meets', async () => {
    for (const depth of [1, 3, 5, 9]) {
      const wideRun = await measured(TEAM, wide, 'wide', depth);
      const narrowRun = await measured(TEAM, narrow, 'narrow', depth);
      expect(wideRun.statements).toBeLessThanOrEqual(depth + 5);
      expect(wideRun.statements).toBe(narrowRun.statements);
    }
    const all = await measured(CLUSTER_SCOPE, wide, 'wide', 2 * LAYERS);
    expect(all.graph.executions).toHaveLength(LAYERS);
    expect(all.graph.artifacts).toHaveLength(1 + (LAYERS - 1) * FAN_OUT);
  });

  it('walks downstream from the first artifact to every later one', async () => {
    const graph = await reader.lineage({ start: { kind: 'artifact', id: firstOutput(wide, 'wide') }, direction: 'DOWNSTREAM', depth: 4, scope: TEAM });
    expect(graph.executions.map((e) => e.name)).toEqual(['step2', 'step3']);
    // out0 of step1, the outputs of step2 and of step3.
    expect(graph.artifacts).toHaveLength(1 + 2 * FAN_OUT);
    expect(graph.edges.filter((e) => e.type === 'INPUT')).toHaveLength(1 + FAN_OUT);
  });

  it('walks both ways from an execution', async () => {
    const step3 = wide.executionIds.get('wide/step3') as number;
    const graph = await reader.lineage({ start: { kind: 'execution', id: step3 }, direction: 'BOTH', depth: 2, scope: TEAM });
    expect(graph.executions.map((e) => e.name).sort()).toEqual(['step2', 'step3', 'step4']);
    expect(graph.artifacts).toHaveLength(2 * FAN_OUT);
  });

  it('stops at maxNodes and says so', async () => {
    const graph = await reader.lineage({
      start: { kind: 'artifact', id: lastOutput(wide, 'wide') },
      direction: 'UPSTREAM',
      depth: 5,
      scope: TEAM,
      maxNodes: 10,
    });
    expect(graph.artifacts.length + graph.executions.length).toBe(10);
    expect(graph.truncated).toBe(true);
    const ids = new Set([...graph.artifacts.map((a) => `a${a.id}`), ...graph.executions.map((e) => `x${e.id}`)]);
    expect(graph.edges.every((e) => ids.has(`a${e.artifactId}`) && ids.has(`x${e.executionId}`))).toBe(true);
  });

  it('rejects a depth beyond the cap', async () => {
    await expect(reader.lineage({ start: { kind: 'artifact', id: 1 }, direction: 'UPSTREAM', depth: 13, scope: TEAM })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });
});
