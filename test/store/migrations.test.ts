import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/store/migrate.js';
import type { StoreHandle } from '../../src/store/store-handle.js';
import { createTestStore, DIALECTS } from '../support/databases.js';

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  let store: StoreHandle;
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(async () => store?.close());

  it('creates the kfp-graph and ML-Metadata tables, and records schema version 10', async () => {
    const tables = (await store.db.introspection.getTables()).map((t) => t.name.toLowerCase());
    for (const table of [
      'experiments',
      'pipelines',
      'pipeline_versions',
      'runs',
      'recurring_runs',
      'controller_state',
      'idempotency_keys',
      'type',
      'artifact',
      'execution',
      'context',
      'event',
      'eventpath',
      'attribution',
      'association',
      'parentcontext',
      'artifactproperty',
      'executionproperty',
      'contextproperty',
      'typeproperty',
      'parenttype',
      'mlmdenv',
    ]) {
      expect(tables).toContain(table);
    }
    const env = await store.db.selectFrom('MLMDEnv').select('schema_version').execute();
    expect(env).toEqual([{ schema_version: 10 }]);
  });

  it('0003 adds the request-ID table (one key per user and request ID) and runs.pending_since', async () => {
    // (introspection on PostgreSQL lists every schema's `runs`; the statement reads this store's own)
    await expect(store.db.selectFrom('runs').select('pending_since').where('pending_since', 'is not', null).execute()).resolves.toEqual([]);
    const key = { owner: 'alice@example.com', request_id: 'k1', operation: 'createRun', fingerprint: 'f', resource_id: 'r1', created_at: Date.now() };
    await store.db.insertInto('idempotency_keys').values(key).execute();
    await store.db
      .insertInto('idempotency_keys')
      .values({ ...key, owner: 'bob@example.com' })
      .execute();
    await expect(
      store.db
        .insertInto('idempotency_keys')
        .values({ ...key, resource_id: 'r2' })
        .execute(),
    ).rejects.toThrow();
  });

  it('is idempotent: a second run applies nothing', async () => {
    expect(await migrateToLatest(store)).toEqual([]);
  });

  it('reads BIGINT epoch milliseconds back as numbers', async () => {
    const now = Date.now();
    await store.db
      .insertInto('experiments')
      .values({ id: 'e1', namespace: 'a', name: 'x', description: '', storage_state: 'AVAILABLE', created_at: now })
      .execute();
    const row = await store.db.selectFrom('experiments').select('created_at').where('id', '=', 'e1').executeTakeFirstOrThrow();
    expect(row.created_at).toBe(now);
    const count = await sql<{ n: number }>`select count(*) as n from experiments`.execute(store.db);
    expect(Number(count.rows[0]?.n)).toBe(1);
  });
});
