import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/domain-errors.js';
import { MetadataReader } from '../../src/mlmd/metadata-reader.js';
import { namespacesScope } from '../../src/mlmd/metadata-scope.js';
import type { MetadataTables } from '../../src/mlmd/metadata-tables.js';
import { MetadataWriter } from '../../src/mlmd/metadata-writer.js';
import type { StoreHandle } from '../../src/store/store-handle.js';
import { createTestStore, DIALECTS } from '../support/databases.js';
import { artifact, T0 } from './run-fixtures.js';

const TEAM = namespacesScope(['team-a']);

describe.each(DIALECTS)('metadata listing on %s', (dialect) => {
  let store: StoreHandle<MetadataTables>;
  let reader: MetadataReader;

  beforeAll(async () => {
    store = (await createTestStore(dialect)) as unknown as StoreHandle<MetadataTables>;
    reader = new MetadataReader(store.db);
    const writer = new MetadataWriter(store.db, store.dialect);
    // 45 artifacts of team-a, written by 15 executions that share creation times in threes, so the id breaks
    // ties; 5 artifacts of team-b interleaved that team-a must never page through.
    await writer.recordRun({
      runId: 'run-a',
      namespace: 'team-a',
      pipelineName: 'p',
      executions: Array.from({ length: 15 }, (_, i) => ({
        key: `run-a/t${i}`,
        type: 'system.ContainerExecution' as const,
        name: `t${i}`,
        state: 'COMPLETE' as const,
        createdAt: T0,
        updatedAt: T0 + Math.floor(i / 3),
        outputs: [0, 1, 2].map((j) => artifact('run-a', `t${i}`, `o${j}`)),
      })),
    });
    await writer.recordRun({
      runId: 'run-b',
      namespace: 'team-b',
      pipelineName: 'p',
      executions: [
        {
          key: 'run-b/t',
          type: 'system.ContainerExecution',
          name: 't',
          state: 'COMPLETE',
          createdAt: T0,
          updatedAt: T0 + 2,
          outputs: [0, 1, 2, 3, 4].map((j) => artifact('run-b', 't', `o${j}`)),
        },
      ],
    });
  });
  afterAll(async () => store?.close());

  it('pages 45 artifacts by 20: three pages, no duplicates, newest first, stable', async () => {
    const seen: number[] = [];
    const pages: boolean[] = [];
    let after: string | null = null;
    do {
      const page = await reader.listArtifacts(TEAM, { first: 20, after });
      seen.push(...page.items.map((a) => a.id));
      pages.push(page.hasNextPage);
      after = page.hasNextPage ? page.endCursor : null;
    } while (after !== null);
    expect(pages).toEqual([true, true, false]);
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
    const all = await reader.listArtifacts(TEAM, { first: 100 });
    expect(all.items.map((a) => a.id)).toEqual(seen);
    const keys = all.items.map((a) => [a.createdAt, a.id] as const);
    expect(keys).toEqual([...keys].sort((x, y) => y[0] - x[0] || y[1] - x[1]));
    expect(all.items.every((a) => a.namespaces.join() === 'team-a')).toBe(true);
  });

  it('pages oldest first when asked, the exact reverse of newest first', async () => {
    const seen: number[] = [];
    let after: string | null = null;
    do {
      const page = await reader.listArtifacts(TEAM, { first: 20, after, order: 'asc' });
      seen.push(...page.items.map((a) => a.id));
      after = page.hasNextPage ? page.endCursor : null;
    } while (after !== null);
    const newestFirst = await reader.listArtifacts(TEAM, { first: 100 });
    expect(seen).toEqual(newestFirst.items.map((a) => a.id).reverse());
  });

  it('sends one statement per page (namespaces folded into the SELECT)', async () => {
    const before = store.statements.count;
    await reader.listArtifacts(TEAM, { first: 20 });
    expect(store.statements.count - before).toBe(1);
  });

  it('answers a batch of any size in one or two statements', async () => {
    const ids = (await reader.listArtifacts(TEAM, { first: 100 })).items.map((a) => a.id);
    const executions = (await reader.listExecutions(TEAM, { first: 100 })).items.map((e) => e.id);
    const count = async (call: () => Promise<unknown>): Promise<number> => {
      const before = store.statements.count;
      await call();
      return store.statements.count - before;
    };
    expect(await count(() => reader.artifactsByIds(ids, TEAM))).toBe(1);
    expect(await count(() => reader.executionsByIds(executions, TEAM))).toBe(1);
    expect(await count(() => reader.eventsByArtifactIds(ids, TEAM))).toBe(1);
    expect(await count(() => reader.eventsByExecutionIds(executions))).toBe(1);
    expect(await count(() => reader.propertiesOf('execution', executions))).toBe(1);
    expect(await count(() => reader.artifactsByRunIds(['run-a', 'run-b'], TEAM))).toBe(1);
    // Past the IN-list chunk of 500 keys: one statement per chunk of keys (namespaces come in the same rows).
    const many = Array.from({ length: 1200 }, (_, i) => i + 1);
    expect(await count(() => reader.artifactsByIds(many, TEAM))).toBe(3);
    expect((await reader.artifactsByIds(many, TEAM)).size).toBe(45);
  });

  it('pages executions the same way', async () => {
    const first = await reader.listExecutions(TEAM, { first: 10 });
    const second = await reader.listExecutions(TEAM, { first: 10, after: first.endCursor });
    expect(first.hasNextPage).toBe(true);
    expect(second.hasNextPage).toBe(false);
    expect(new Set([...first.items, ...second.items].map((e) => e.name)).size).toBe(15);
  });

  it('rejects a cursor it did not issue', async () => {
    await expect(reader.listArtifacts(TEAM, { first: 20, after: 'bm9wZQ' })).rejects.toBeInstanceOf(InvalidInputError);
  });
});
