import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Kysely, MysqlDialect, PostgresDialect, SqliteDialect, type Dialect, type LogEvent } from 'kysely';
import { createPool } from 'mysql2';
import pg from 'pg';
import type { Database } from './database.js';
import { dialectOfUrl, sqliteFilename, type SqlDialect } from './sql-dialect.js';
import { tallyStatement } from './statement-scope.js';

/** Connections of a pool at one moment (PostgreSQL and MySQL; SQLite has one connection and no pool). */
export interface PoolUsage {
  readonly size: number;
  readonly inUse: number;
  readonly waiting: number;
}

/** An open database: the kysely instance, which dialect it speaks, and a count of statements sent. */
export interface StoreHandle<DB = Database> {
  readonly db: Kysely<DB>;
  readonly dialect: SqlDialect;
  /** Statements sent since start; tests and benchmarks read it to prove a query count. */
  readonly statements: { count: number };
  /** The pool's own counters, read when metrics are scraped; absent for SQLite. */
  readonly pool?: () => PoolUsage;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Open read-only (an existing KFP metadata database is never written). */
  readonly readOnly?: boolean;
  readonly poolSize?: number;
  /**
   * Told of every connection error the pool absorbed (a dropped idle connection, a server restart). Such an
   * error is never rethrown: the statement in flight on that connection, if any, already failed with it.
   */
  readonly onConnectionError?: (error: unknown) => void;
}

type ConnectionErrorSink = (error: unknown) => void;

// PostgreSQL returns BIGINT as a string to protect values past 2^53; our BIGINTs are epoch milliseconds and
// MLMD ids, far below that, so they are parsed as numbers once here rather than at every read.
const PG_INT8_OID = 20;
const PG_NUMERIC_OID = 1700;

function sqliteDialect(url: string, options: OpenStoreOptions): Dialect {
  const filename = sqliteFilename(url);
  if (filename !== ':memory:' && !options.readOnly) mkdirSync(dirname(filename), { recursive: true });
  const database = new SqliteDatabase(filename, { readonly: options.readOnly ?? false, fileMustExist: options.readOnly ?? false });
  if (!options.readOnly) database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return new SqliteDialect({ database });
}

/** mysql2's callback pool keeps its counts in fields its typings do not declare. */
interface Mysql2PoolInternals {
  readonly _allConnections?: { readonly length: number };
  readonly _freeConnections?: { readonly length: number };
  readonly _connectionQueue?: { readonly length: number };
}

interface OpenedDialect {
  readonly dialect: Dialect;
  readonly pool?: () => PoolUsage;
}

function postgresDialect(url: string, options: OpenStoreOptions): OpenedDialect {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === PG_INT8_OID || oid === PG_NUMERIC_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: types as pg.CustomTypesConfig,
  });
  const sink = options.onConnectionError ?? noSink;
  // pg-pool re-emits an idle client's error (the server closed it: pg_terminate_backend, a restart, a
  // failover) on the pool, and an EventEmitter 'error' nobody listens to kills the process. The pool has already
  // dropped that client, so the next checkout opens a fresh connection. A client that is checked out emits
  // 'error' itself when no statement is running on it (between statements of a transaction): it is listened to
  // for its whole life, and pg-pool discards it on release because it is no longer queryable.
  pool.on('error', sink);
  pool.on('connect', (client) => client.on('error', sink));
  // Per session rather than through `options`, which a URL's own `?options=` would override.
  const dialect = new PostgresDialect({
    pool,
    ...(options.readOnly
      ? {
          onCreateConnection: (connection) =>
            connection.executeQuery(CompiledQuery.raw('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY')).then(() => undefined),
        }
      : {}),
  });
  return { dialect, pool: () => ({ size: pool.totalCount, inUse: pool.totalCount - pool.idleCount, waiting: pool.waitingCount }) };
}

function mysqlDialect(url: string, options: OpenStoreOptions): OpenedDialect {
  const pool = createPool({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    connectionLimit: options.poolSize ?? 10,
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: true,
    timezone: 'Z',
    charset: 'utf8mb4',
  });
  const sink = options.onConnectionError ?? noSink;
  // mysql2 emits a fatal error (KILL, a server restart, a dropped socket) on the pooled connection, which
  // removes itself from the pool with a `once('error')` listener; a second error on the same connection (the
  // server's last ERR packet after the socket broke) would then be unhandled and kill the process. Each
  // connection is listened to for its whole life; the statement in flight already failed with the error.
  pool.on('connection', (connection) => connection.on('error', sink));
  pool.on('error', sink);
  // MySQL has no read-only connection option: every new session is made read-only before its first use.
  const dialect = new MysqlDialect({
    pool,
    ...(options.readOnly
      ? { onCreateConnection: (connection) => connection.executeQuery(CompiledQuery.raw('SET SESSION TRANSACTION READ ONLY')).then(() => undefined) }
      : {}),
  });
  const internals = pool as unknown as Mysql2PoolInternals;
  return {
    dialect,
    pool: () => {
      const size = internals._allConnections?.length ?? 0;
      return { size, inUse: size - (internals._freeConnections?.length ?? 0), waiting: internals._connectionQueue?.length ?? 0 };
    },
  };
}

const noSink: ConnectionErrorSink = () => {};

/** Opens the database a URL names; no statement is sent until the first query. */
export function openStore<DB = Database>(url: string, options: OpenStoreOptions = {}): StoreHandle<DB> {
  const dialect = dialectOfUrl(url);
  const statements = { count: 0 };
  const opened: OpenedDialect =
    dialect === 'sqlite' ? { dialect: sqliteDialect(url, options) } : dialect === 'postgres' ? postgresDialect(url, options) : mysqlDialect(url, options);
  const db = new Kysely<DB>({
    dialect: opened.dialect,
    log: (_event: LogEvent) => {
      statements.count += 1;
      tallyStatement();
    },
  });
  return { db, dialect, statements, ...(opened.pool ? { pool: opened.pool } : {}), close: () => db.destroy() };
}
