import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 14 §4 "Start-up errors name what to fix": each bad setting ends `npm start` with exit code 2 and one
 * line on stderr naming the setting and the cause, no stack, before any slow work (no SQLite file migrated).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');

interface Exit {
  readonly code: number | null;
  readonly stderr: string;
  readonly stdout: string;
}

function run(cwd: string, env: Readonly<Record<string, string>>): Promise<Exit> {
  const full: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOG_LEVEL: 'warn', SYNC: 'false', ...env };
  for (const name of ['DATABASE_URL', 'KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'KFP_GRAPH_SEED', 'DEMO_SEED', 'HOST', 'METADATA_DATABASE_URL', 'DATA_DIR']) {
    if (!(name in env)) delete full[name];
  }
  const child = spawn(TSX, ['--tsconfig', join(ROOT, 'tsconfig.json'), join(ROOT, 'src/main.ts')], { cwd, env: full, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

function expectOneLine(exit: Exit, pattern: RegExp): void {
  expect(exit.code, exit.stderr + exit.stdout).toBe(2);
  const lines = exit.stderr.trim().split('\n');
  expect(lines, exit.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(exit.stderr).not.toMatch(/\n\s+at /);
}

describe('start-up errors name what to fix', () => {
  let dir: string;
  let occupied: Server;
  let occupiedPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kfp-graph-startup-'));
    writeFileSync(join(dir, 'not-a-folder'), 'x');
    writeFileSync(join(dir, 'garbage.kubeconfig'), '\u0000\u0001 this: [is not: a kubeconfig');
    writeFileSync(join(dir, 'empty.kubeconfig'), 'apiVersion: v1\nkind: Config\n');
    occupied = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', () => resolve()));
    occupiedPort = (occupied.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => occupied?.close(() => resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases: readonly (readonly [string, () => Record<string, string>, RegExp])[] = [
    [
      'an unreachable PostgreSQL',
      () => ({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' }),
      /^kfp-graph: DATABASE_URL: cannot use postgres:\/\/postgres@127\.0\.0\.1:1\/test: .*connection refused/,
    ],
    [
      'an unknown PostgreSQL database',
      () => ({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/no_such_database_h7' }),
      /^kfp-graph: DATABASE_URL: .*database "no_such_database_h7" does not exist/,
    ],
    [
      'a wrong PostgreSQL role',
      () => ({ DATABASE_URL: 'postgres://no_such_role_h7:secret@127.0.0.1:5432/test' }),
      /^kfp-graph: DATABASE_URL: cannot use postgres:\/\/no_such_role_h7:\*\*\*@.*role "no_such_role_h7" does not exist/,
    ],
    [
      'an unknown MariaDB database',
      () => ({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/no_such_database_h7' }),
      /^kfp-graph: DATABASE_URL: .*Unknown database 'no_such_database_h7'/,
    ],
    ['an unreachable MariaDB', () => ({ DATABASE_URL: 'mysql://root@127.0.0.1:1/test' }), /^kfp-graph: DATABASE_URL: .*connection refused/],
    [
      'an unwritable SQLite path',
      () => ({ DATABASE_URL: `sqlite:${join(dir, 'not-a-folder', 'kfp.sqlite')}` }),
      /^kfp-graph: DATABASE_URL: cannot create .*kfp\.sqlite: .*not-a-folder is not a folder/,
    ],
    ['a missing KUBECONFIG', () => ({ KUBECONFIG: join(dir, 'missing.kubeconfig') }), /^kfp-graph: KUBECONFIG: .*missing\.kubeconfig does not exist$/],
    ['a garbage KUBECONFIG', () => ({ KUBECONFIG: join(dir, 'garbage.kubeconfig') }), /^kfp-graph: KUBECONFIG: .*garbage\.kubeconfig is not a kubeconfig/],
    [
      'a KUBECONFIG without a context',
      () => ({ KUBECONFIG: join(dir, 'empty.kubeconfig') }),
      /^kfp-graph: KUBECONFIG: .*empty\.kubeconfig is not a kubeconfig with a current context/,
    ],
    ['a port in use', () => ({ PORT: String(occupiedPort) }), /^kfp-graph: PORT: 127\.0\.0\.1:\d+ is already in use/],
  ];

  it.each(cases)(
    '%s: exit 2, one line naming the setting, before migrations',
    async (_name, env, pattern) => {
      const cwd = mkdtempSync(join(dir, 'cwd-'));
      const exit = await run(cwd, env());
      expectOneLine(exit, pattern);
      // Nothing slow ran: the embedded SQLite file was not created, let alone migrated.
      expect(existsSync(join(cwd, 'data/kfp-graph.sqlite'))).toBe(false);
    },
    70_000,
  );
});
