import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/domain-errors.js';
import { ExperimentRepository } from '../../src/store/experiment-repository.js';
import type { ListOrder } from '../../src/store/list-order.js';
import { PipelineRepository } from '../../src/store/pipeline-repository.js';
import { RecurringRunRepository } from '../../src/store/recurring-run-repository.js';
import { RunRepository } from '../../src/store/run-repository.js';
import type { StoreHandle } from '../../src/store/store-handle.js';
import { createTestStore, DIALECTS } from '../support/databases.js';
import { expectedOrder, experiment, pipeline, recurringRun, run, T0, version, walk, type Lister } from './store-fixtures.js';

/**
 * Keyset pagination of every repository list, on each dialect: forward (first/after) and backward
 * (last/before) over five pages, in all four orders, with many rows sharing a created_at and a name, so the id
 * tie-break is what keeps pages from overlapping or skipping. Rows are inserted in shuffled order so that
 * insertion order cannot pass for the sort order.
 */
const ORDERS: readonly ListOrder[] = ['CREATED_AT_DESC', 'CREATED_AT_ASC', 'NAME_ASC', 'NAME_DESC'];
const COUNT = 23;
const SIZE = 5;

/** Index i → (created_at, name): created_at repeats in groups of four, names repeat every seven rows. */
function shape(i: number): { createdAt: number; name: string } {
  return { createdAt: T0 + Math.floor(i / 4) * 1000, name: `name-${i % 7}` };
}

function shuffled(n: number): number[] {
  // A fixed permutation (multiplication by a unit mod n) rather than Math.random, so failures reproduce.
  return Array.from({ length: n }, (_, i) => (i * 7 + 3) % n);
}

const pad = (i: number) => String(i).padStart(3, '0');

/** Lists of different row types walked by the same code: only `id` and the cursors are read. */
const lister = <Row extends { id: string }>(list: Lister<Row>): Lister<{ id: string }> => list as unknown as Lister<{ id: string }>;

interface Case {
  readonly name: string;
  readonly expected: readonly { id: string; name: string; created_at: number }[];
  readonly list: Lister<{ id: string }>;
}

describe.each(DIALECTS)('keyset pagination on %s', (dialect) => {
  let store: StoreHandle;
  const cases: Case[] = [];

  beforeAll(async () => {
    store = await createTestStore(dialect);
    const db = store.db;
    const experiments = new ExperimentRepository(db);
    const pipelines = new PipelineRepository(db);
    const runs = new RunRepository(db);
    const recurring = new RecurringRunRepository(db);

    // Rows in other namespaces, interleaved in time, that no list of namespace "a" may return.
    const other = [experiment('eb-000', 'b', 'name-3', T0 + 1500), experiment('ec-000', 'c', 'name-3', T0 + 2500)];
    const expRows = shuffled(COUNT).map((i) => experiment(`ea-${pad(i)}`, 'a', `${shape(i).name}-${pad(i)}`, shape(i).createdAt));
    for (const row of [...expRows, ...other]) await experiments.insert(row);

    const pipeRows = shuffled(COUNT).map((i) => pipeline(`pa-${pad(i)}`, 'a', `${shape(i).name}-${pad(i)}`, shape(i).createdAt));
    // Names are unique per namespace except for runs, so only runs repeat a name exactly (the id breaks the tie).
    for (const row of pipeRows) await pipelines.insertWithVersion(row, null);
    const parent = pipeline('pp-000', 'a', 'parent', T0);
    await pipelines.insertWithVersion(parent, null);
    const versionRows = shuffled(COUNT).map((i) => version(`va-${pad(i)}`, parent, `${shape(i).name}-${pad(i)}`, shape(i).createdAt));
    for (const row of versionRows) await pipelines.insertVersion(row);

    const runRows = shuffled(COUNT).map((i) => run(`ra-${pad(i)}`, 'a', 'ea-000', shape(i).name, shape(i).createdAt));
    await runs.insert(run('rb-000', 'b', 'eb-000', 'name-3', T0 + 1500));
    for (const row of runRows) await runs.insert(row);

    const recurringRows = shuffled(COUNT).map((i) => recurringRun(`ja-${pad(i)}`, 'a', 'ea-000', 'va-000', `${shape(i).name}-${pad(i)}`, shape(i).createdAt));
    for (const row of recurringRows) await recurring.insert(row);

    cases.push(
      { name: 'experiments', expected: expRows, list: lister((order, page) => experiments.list(['a'], {}, order, page)) },
      { name: 'pipelines', expected: [...pipeRows, parent], list: lister((order, page) => pipelines.list(['a'], {}, order, page)) },
      { name: 'pipeline versions', expected: versionRows, list: lister((order, page) => pipelines.listVersions(parent.id, order, page)) },
      { name: 'runs', expected: runRows, list: lister((order, page) => runs.list(['a'], {}, order, page)) },
      { name: 'recurring runs', expected: recurringRows, list: lister((order, page) => recurring.list(['a'], {}, order, page)) },
    );
  });
  afterAll(async () => store?.close());

  for (const order of ORDERS) {
    it(`walks every list forward by first/after and backward by last/before, ${order}`, async () => {
      expect(cases).toHaveLength(5);
      for (const c of cases) {
        const expected = expectedOrder(c.expected, order);
        const forward = await walk(c.list, order, SIZE, false);
        expect(forward.ids, `${c.name} forward`).toEqual(expected);
        expect(forward.pages, `${c.name} forward pages`).toBeGreaterThanOrEqual(3);
        const backward = await walk(c.list, order, SIZE, true);
        expect(backward.ids, `${c.name} backward`).toEqual(expected);
        expect(new Set(forward.ids).size).toBe(forward.ids.length);
      }
    });
  }

  it('returns the same page for the same cursor (stable under equal created_at)', async () => {
    const c = cases.find((x) => x.name === 'runs') as Case;
    const first = await c.list('CREATED_AT_DESC', { size: 6, backward: false, cursor: null });
    for (let i = 0; i < 3; i += 1) {
      const again = await c.list('CREATED_AT_DESC', { size: 6, backward: false, cursor: first.endCursor });
      const once = await c.list('CREATED_AT_DESC', { size: 6, backward: false, cursor: first.endCursor });
      expect(again.items.map((r) => r.id)).toEqual(once.items.map((r) => r.id));
    }
  });

  it('walks backward from a cursor to the start: last/before yields the rows before it', async () => {
    const c = cases.find((x) => x.name === 'experiments') as Case;
    const all = expectedOrder(c.expected, 'CREATED_AT_DESC');
    const page2 = await c.list('CREATED_AT_DESC', {
      size: 5,
      backward: false,
      cursor: (await c.list('CREATED_AT_DESC', { size: 5, backward: false, cursor: null })).endCursor,
    });
    expect(page2.items.map((r) => r.id)).toEqual(all.slice(5, 10));
    const before = await c.list('CREATED_AT_DESC', { size: 3, backward: true, cursor: page2.startCursor });
    expect(before.items.map((r) => r.id)).toEqual(all.slice(2, 5));
    expect(before.hasPreviousPage).toBe(true);
    expect(before.hasNextPage).toBe(true);
  });

  it('refuses a cursor of another ordering, or one it did not issue', async () => {
    const c = cases.find((x) => x.name === 'runs') as Case;
    const byTime = await c.list('CREATED_AT_DESC', { size: 2, backward: false, cursor: null });
    await expect(c.list('NAME_ASC', { size: 2, backward: false, cursor: byTime.endCursor })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(c.list('NAME_ASC', { size: 2, backward: false, cursor: 'not-a-cursor' })).rejects.toThrow(/after: not a cursor this API issued/);
    const forged = Buffer.from(JSON.stringify({ created_at: 1 }), 'utf8').toString('base64url');
    await expect(c.list('CREATED_AT_DESC', { size: 2, backward: true, cursor: forged })).rejects.toThrow(/before: not a cursor/);
  });

  it('sends exactly one statement per page', async () => {
    for (const c of cases) {
      const before = store.statements.count;
      await c.list('NAME_DESC', { size: SIZE, backward: false, cursor: null });
      expect(store.statements.count - before, c.name).toBe(1);
    }
  });
});
