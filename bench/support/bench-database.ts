import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest } from '../../src/store/migrate.js';
import type { SqlDialect } from '../../src/store/sql-dialect.js';
import { openStore, type StoreHandle } from '../../src/store/store-handle.js';

/**
 * A fresh, migrated database for one benchmark run: a SQLite file in a temporary directory (a file, as in the
 * embedded default, not :memory:), or a schema of its own on the local PostgreSQL. `close()` removes it.
 */
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  readonly store: StoreHandle;
  close(): Promise<void>;
}

export async function openBenchDatabase(dialect: Exclude<SqlDialect, 'mysql'>): Promise<BenchDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'kfp-graph-bench-'));
    const store = openStore(`sqlite:${join(dir, 'bench.sqlite')}`);
    await migrateToLatest(store);
    return {
      store,
      close: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `kfpg_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const store = openStore(`${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`);
  await migrateToLatest(store);
  return {
    store,
    close: async () => {
      await store.close();
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA "${schema}" CASCADE`);
      await client.end();
    },
  };
}
