import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { migrateToLatest } from '../../src/store/migrate.js';
import type { SqlDialect } from '../../src/store/sql-dialect.js';
import { openStore, type StoreHandle } from '../../src/store/store-handle.js';

/**
 * Fresh, migrated databases on the three dialects. PostgreSQL gets a schema of its own per store and MariaDB a
 * database of its own, so test files run in parallel against the one server of each kind on this machine.
 */
export const DIALECTS: readonly SqlDialect[] = ['sqlite', 'postgres', 'mysql'];

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** An empty database (not migrated) reachable by URL, and a way to remove it. */
export async function createTestDatabase(dialect: SqlDialect): Promise<TestDatabase> {
  const name = `kfpg_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  if (dialect === 'sqlite') return { url: 'sqlite::memory:', drop: async () => {} };
  if (dialect === 'postgres') {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${name}"`);
    await admin.end();
    const url = `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${name}`)}`;
    return {
      url,
      drop: async () => {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`DROP SCHEMA "${name}" CASCADE`);
        await client.end();
      },
    };
  }
  const admin = await createConnection({ uri: MYSQL_URL });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.end();
  return {
    url: MYSQL_URL.replace(/\/[^/]*$/, `/${name}`),
    drop: async () => {
      const client = await createConnection({ uri: MYSQL_URL });
      await client.query(`DROP DATABASE \`${name}\``);
      await client.end();
    },
  };
}

/** A migrated store on a fresh database; `close()` also drops the database. */
export async function createTestStore(dialect: SqlDialect): Promise<StoreHandle> {
  const database = await createTestDatabase(dialect);
  const store = openStore(database.url, { poolSize: 4 });
  await migrateToLatest(store);
  return {
    ...store,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}
