import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { sql } from 'kysely';
import { sqliteFilename } from '../store/sql-dialect.js';
import type { StoreHandle } from '../store/store-handle.js';
import { redactUrl, StartupError } from './startup-error.js';

/** Why a database refused us, in the words an operator acts on (driver codes: node-postgres, mysql2, Node). */
export function describeDatabaseFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const errors = (error as { errors?: unknown } | null)?.errors;
  // node-postgres and mysql2 report a refused dual-stack connection as an AggregateError without a message.
  const first = Array.isArray(errors) && errors[0] instanceof Error ? (errors[0] as Error & { code?: unknown }) : undefined;
  switch (first?.code ?? code) {
    case 'ECONNREFUSED':
      return 'nothing accepts connections there (connection refused); is the database running?';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return 'the host does not answer (timed out)';
    case '3D000': // PostgreSQL invalid_catalog_name
    case 'ER_BAD_DB_ERROR':
      return `${message} (create it, or name another database)`;
    case '28000': // PostgreSQL invalid_authorization_specification: no such role
    case '28P01': // invalid_password
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return `${message} (check the user and password in the URL)`;
    case 'SQLITE_CANTOPEN':
      return 'the SQLite file cannot be opened or created';
    default:
      return message || (first?.message ?? 'the database refused the connection');
  }
}

/**
 * The SQLite file's folder must be creatable and writable, and the file writable if it exists: checked before
 * opening, because better-sqlite3 would open a read-only file read-only and fail only at the first migration.
 */
export function checkSqlitePath(setting: string, url: string): void {
  const filename = sqliteFilename(url);
  if (filename === ':memory:') return;
  const file = resolve(filename);
  let folder = dirname(file);
  while (!existsSync(folder)) folder = dirname(folder);
  try {
    if (!statSync(folder).isDirectory()) throw new StartupError(setting, `cannot create ${file}: ${folder} is not a folder`);
    accessSync(folder, constants.W_OK);
    if (existsSync(file)) accessSync(file, constants.R_OK | constants.W_OK);
  } catch (error) {
    if (error instanceof StartupError) throw error;
    throw new StartupError(setting, `cannot write ${existsSync(file) ? file : folder} (${(error as { code?: string }).code ?? 'not writable'})`);
  }
}

/** Opens and reaches the database (one `select 1`) before anything slow, such as migrations, runs. */
export async function openCheckedStore<DB>(setting: string, url: string, open: () => StoreHandle<DB>): Promise<StoreHandle<DB>> {
  if (url.startsWith('sqlite:')) checkSqlitePath(setting, url);
  let store: StoreHandle<DB>;
  try {
    store = open();
  } catch (error) {
    throw new StartupError(setting, `cannot use ${redactUrl(url)}: ${describeDatabaseFailure(error)}`);
  }
  try {
    await sql`select 1`.execute(store.db);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new StartupError(setting, `cannot use ${redactUrl(url)}: ${describeDatabaseFailure(error)}`);
  }
  return store;
}

/** The KUBECONFIG file exists, parses, and names a current context with a cluster server. */
export function checkKubeconfig(path: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new StartupError('KUBECONFIG', code === 'ENOENT' ? `${path} does not exist` : `cannot read ${path} (${code ?? 'unreadable'})`);
  }
  const config = new KubeConfig();
  try {
    config.loadFromString(text);
  } catch (error) {
    throw new StartupError('KUBECONFIG', `${path} is not a kubeconfig (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`);
  }
  const cluster = config.getCurrentCluster();
  if (!config.getCurrentContext() || !cluster) throw new StartupError('KUBECONFIG', `${path} is not a kubeconfig with a current context and its cluster`);
  try {
    new URL(cluster.server);
  } catch {
    throw new StartupError('KUBECONFIG', `${path}: cluster ${cluster.name} has no valid server URL`);
  }
}

/** Binds the port first of all, so a port in use is reported before migrations or leader election. */
export function listenOrExplain(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolvePromise, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (error.code === 'EADDRINUSE') reject(new StartupError('PORT', `${where} is already in use (another kfp-graph?); choose another PORT`));
      else if (error.code === 'EACCES') reject(new StartupError('PORT', `${where} needs privileges; choose a PORT above 1023`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new StartupError('HOST', `${host} is not an address of this machine`));
      else reject(new StartupError('PORT', `cannot listen on ${where} (${error.code ?? error.message})`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolvePromise();
    });
  });
}
