import { randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { sql } from 'kysely';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { formatError } from '../../src/server/format-error.js';
import { isConnectionFailure } from '../../src/store/connection-failure.js';
import { openStore, type StoreHandle } from '../../src/store/store-handle.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';

/**
 * The database server drops kfp-graph's connections (an operator's pg_terminate_backend or KILL, a failover):
 * the process must survive, the statement in flight fail as UNAVAILABLE, and the pool reconnect by itself.
 * Real servers; vitest fails the file on any unhandled 'error' event, which is what used to kill the process.
 */
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

interface FaultTarget {
  readonly store: StoreHandle;
  readonly errors: unknown[];
  /** Kills every server session of this store, from another connection. Resolves to how many it killed. */
  killSessions(): Promise<number>;
  readonly sleep: (seconds: number) => ReturnType<typeof sql>;
  close(): Promise<void>;
}

async function postgresTarget(): Promise<FaultTarget> {
  const database: TestDatabase = await createTestDatabase('postgres');
  const application = `kfpg_fault_${randomBytes(4).toString('hex')}`;
  const errors: unknown[] = [];
  const store = openStore(`${database.url}&application_name=${application}`, { poolSize: 3, onConnectionError: (e) => errors.push(e) });
  return {
    store,
    errors,
    sleep: (seconds) => sql`select pg_sleep(${seconds})`,
    killSessions: async () => {
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      try {
        const result = await admin.query('select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = $1', [application]);
        return result.rowCount ?? 0;
      } finally {
        await admin.end();
      }
    },
    close: async () => {
      await store.close().catch(() => undefined);
      await database.drop();
    },
  };
}

async function mysqlTarget(): Promise<FaultTarget> {
  const database = await createTestDatabase('mysql');
  const schema = new URL(database.url).pathname.slice(1);
  const errors: unknown[] = [];
  const store = openStore(database.url, { poolSize: 3, onConnectionError: (e) => errors.push(e) });
  return {
    store,
    errors,
    sleep: (seconds) => sql`select sleep(${seconds})`,
    killSessions: async () => {
      const admin = await createConnection({ uri: MYSQL_URL });
      try {
        const [rows] = await admin.query('select id from information_schema.processlist where db = ? and id <> connection_id()', [schema]);
        const ids = (rows as { id: number }[]).map((r) => Number(r.id));
        for (const id of ids) await admin.query(`KILL ${id}`);
        return ids.length;
      } finally {
        await admin.end();
      }
    },
    close: async () => {
      await store.close().catch(() => undefined);
      await database.drop();
    },
  };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a resolver failing with this error answers. */
function graphqlCodeOf(error: unknown): unknown {
  const wrapped = new GraphQLError('raw', { path: ['runs'], originalError: error as Error });
  return formatError(wrapped.toJSON(), wrapped).extensions?.code;
}

describe.each([
  ['PostgreSQL', postgresTarget],
  ['MariaDB', mysqlTarget],
] as const)('%s connections killed by the server', (_name, open) => {
  let target: FaultTarget | undefined;
  afterEach(async () => {
    await target?.close();
    target = undefined;
  });

  it('survives killed idle connections and reconnects for the next query', async () => {
    target = await open();
    const { store } = target;
    // Three statements at once: the pool opens three connections, which then sit idle.
    await Promise.all([1, 2, 3].map((n) => sql<{ n: number }>`select ${n} as n`.execute(store.db)));
    expect(await target.killSessions()).toBe(3);
    await settle(300);
    const after = await sql<{ n: number }>`select 7 as n`.execute(store.db);
    expect(Number(after.rows[0]?.n)).toBe(7);
    expect(target.errors.length).toBeGreaterThan(0);
  });

  it('fails the statement in flight as UNAVAILABLE, then recovers', async () => {
    target = await open();
    const { store } = target;
    await sql`select 1`.execute(store.db);
    const inFlight = target
      .sleep(20)
      .execute(store.db)
      .then(
        () => new Error('the statement was expected to fail'),
        (error: unknown) => error,
      );
    await settle(300);
    expect(await target.killSessions()).toBeGreaterThan(0);
    const failure = await inFlight;
    expect(isConnectionFailure(failure)).toBe(true);
    expect(graphqlCodeOf(failure)).toBe('UNAVAILABLE');
    const after = await sql<{ n: number }>`select 8 as n`.execute(store.db);
    expect(Number(after.rows[0]?.n)).toBe(8);
  });

  it('survives a connection killed between two statements of a transaction', async () => {
    target = await open();
    const { store } = target;
    const current = target;
    const outcome = await store.db
      .transaction()
      .execute(async (trx) => {
        await sql`select 1`.execute(trx);
        await current.killSessions();
        await settle(300);
        await sql`select 2`.execute(trx);
      })
      .then(
        () => new Error('the transaction was expected to fail'),
        (error: unknown) => error,
      );
    expect(isConnectionFailure(outcome)).toBe(true);
    const after = await sql<{ n: number }>`select 9 as n`.execute(store.db);
    expect(Number(after.rows[0]?.n)).toBe(9);
  });
});
