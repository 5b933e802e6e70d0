import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 2, "Embedded default", end to end: `npm start`'s entry with no configuration, in an empty working
 * directory, creates ./data/kfp-graph.sqlite, migrates and seeds it, starts the Kubernetes emulator (its
 * kubeconfig in ./data/), serves GraphQL and prints the URL; SIGTERM stops it with exit code 0; a second start
 * on the same file seeds nothing more.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const READY = /kfp-graph is ready: open (http:\/\/localhost:(\d+)\/graphql).*\n.*kubeconfig: /;
const RUN_STATES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'SKIPPED', 'FAILED', 'CANCELING', 'CANCELED', 'PAUSED'];

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts src/main.ts with cwd = `dir` and only PORT=0 set (so tests never collide on 4000). */
async function start(dir: string, extra: Readonly<Record<string, string>> = {}): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOG_LEVEL: 'warn' };
  for (const name of ['DATABASE_URL', 'KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'KFP_GRAPH_SEED', 'DEMO_SEED', 'HOST', 'METADATA_DATABASE_URL', 'DATA_DIR'])
    delete env[name];
  Object.assign(env, extra);
  // tsx reads tsconfig.json from the working directory; the project's (legacy decorators) is named explicitly.
  const child = spawn(TSX, ['--tsconfig', join(ROOT, 'tsconfig.json'), join(ROOT, 'src/main.ts')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 150 s:\n${output}`)), 150_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready:\n${output}`));
    });
  });
  return { child, url, output: () => output, exited };
}

async function gql<T>(url: string, query: string, user = 'alice@example.com'): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'kubeflow-userid': user },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors, query).toBeUndefined();
  return body.data as T;
}

function counts(file: string): Record<string, number> {
  const db = new SqliteDatabase(file, { readonly: true });
  try {
    const n = (table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    return { experiments: n('experiments'), pipelines: n('pipelines'), runs: n('runs'), executions: n('Execution'), artifacts: n('Artifact') };
  } finally {
    db.close();
  }
}

describe('npm start with no configuration', () => {
  let dir: string;
  let first: Started;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kfp-graph-embedded-'));
    first = await start(dir);
  }, 180_000);
  afterAll(() => {
    if (first && first.child.exitCode === null) first.child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the URL and creates ./data/kfp-graph.sqlite and ./data/emulator.kubeconfig under the working directory', () => {
    expect(first.url).toMatch(/^http:\/\/localhost:\d+\/graphql$/);
    expect(existsSync(join(dir, 'data/kfp-graph.sqlite'))).toBe(true);
    expect(existsSync(join(dir, 'data/emulator.kubeconfig'))).toBe(true);
  });

  it('seeded at least 3 tenant namespaces (an admin sees all; alice her own and ml-research)', async () => {
    const admin = await gql<{ namespaces: { nodes: { name: string }[] } }>(first.url, '{ namespaces { nodes { name } } }', 'admin@example.com');
    expect(admin.namespaces.nodes.length).toBeGreaterThanOrEqual(3);
    const alice = await gql<{ viewer: { user: string }; namespaces: { nodes: { name: string }[] } }>(
      first.url,
      '{ viewer { user } namespaces { nodes { name } } }',
    );
    expect(alice.viewer.user).toBe('alice@example.com');
    expect(alice.namespaces.nodes.map((n) => n.name)).toEqual(['alice', 'ml-research']);
  });

  it('seeded experiments, pipelines, runs in every RunState, executions and artifacts with lineage', async () => {
    const data = await gql<{
      namespace: {
        experiments: { nodes: { name: string }[] };
        pipelines: { nodes: { name: string }[] };
        runs: { nodes: { state: string; executions: { id: string }[] }[] };
        artifacts: { nodes: { id: string; type: string }[] };
      };
      pipelines: { nodes: { name: string; shared: boolean }[] };
    }>(
      first.url,
      `{ namespace(name: "alice") { experiments { nodes { name } } pipelines { nodes { name } }
           runs(first: 200) { nodes { state executions { id } } } artifacts(first: 100) { nodes { id type } } }
         pipelines(namespace: "alice") { nodes { name shared } } }`,
    );
    const ns = data.namespace;
    expect(ns.experiments.nodes.length).toBeGreaterThanOrEqual(2);
    expect(ns.pipelines.nodes.length).toBeGreaterThanOrEqual(1);
    expect(data.pipelines.nodes.some((p) => p.shared)).toBe(true);
    expect(new Set(ns.runs.nodes.map((r) => r.state))).toEqual(new Set(RUN_STATES));
    expect(ns.runs.nodes.some((r) => r.executions.length >= 2)).toBe(true);
    const model = ns.artifacts.nodes.find((a) => a.type === 'system.Model');
    expect(model).toBeDefined();
    const lineage = await gql<{ lineage: { artifacts: { type: string }[]; executions: { name: string }[]; edges: { type: string }[] } }>(
      first.url,
      `{ lineage(of: "${model?.id}", depth: 4) { artifacts { type } executions { name } edges { type } } }`,
    );
    expect(lineage.lineage.executions.map((e) => e.name).sort()).toEqual(expect.arrayContaining(['prepare', 'train']));
    expect(lineage.lineage.artifacts.map((a) => a.type)).toEqual(expect.arrayContaining(['system.Dataset', 'system.Model']));
    expect(lineage.lineage.edges.map((e) => e.type)).toEqual(expect.arrayContaining(['INPUT', 'OUTPUT']));
  });

  it('kubectl with ./data/emulator.kubeconfig lists the 3 tenant profiles', async () => {
    const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', join(dir, 'data/emulator.kubeconfig'), 'get', 'profiles', '-o', 'name'], {
      env: { ...process.env, HOME: dir },
    });
    expect(stdout.trim().split('\n').sort()).toEqual(['profile.kubeflow.org/alice', 'profile.kubeflow.org/bob', 'profile.kubeflow.org/ml-research']);
  });

  it('prints the kubeconfig path; a second instance on the same DATA_DIR is refused, one with its own writes its own', async () => {
    const kubeconfig = join(dir, 'data/emulator.kubeconfig');
    expect(first.output()).toContain(`kubeconfig: ${realpathSync(kubeconfig)}`);
    const before = readFileSync(kubeconfig, 'utf8');
    const refused = await start(dir).then(
      () => '',
      (error: unknown) => String(error),
    );
    expect(refused).toMatch(/exited with 2 before ready/);
    expect(refused).toMatch(/kfp-graph: DATA_DIR: .*data belongs to another running kfp-graph \(pid \d+\); give this one its own folder/);
    expect(readFileSync(kubeconfig, 'utf8')).toBe(before);

    const other = await start(dir, { DATA_DIR: 'data-2' });
    try {
      const own = join(dir, 'data-2/emulator.kubeconfig');
      expect(other.output()).toContain(`kubeconfig: ${realpathSync(own)}`);
      expect(readFileSync(own, 'utf8')).not.toBe(before);
      expect(readFileSync(kubeconfig, 'utf8')).toBe(before);
      const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, 'get', 'profiles', '-o', 'name'], {
        env: { ...process.env, HOME: dir },
      });
      expect(stdout).toContain('profile.kubeflow.org/alice');
    } finally {
      other.child.kill('SIGTERM');
      expect(await other.exited).toBe(0);
    }
  }, 400_000);

  it('exits 0 on SIGTERM, and a second start on the same file does not seed again', async () => {
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const file = join(dir, 'data/kfp-graph.sqlite');
    const seeded = counts(file);
    expect(seeded.runs).toBeGreaterThan(0);
    expect(seeded.artifacts).toBeGreaterThan(0);

    const second = await start(dir);
    try {
      const alice = await gql<{ namespace: { experiments: { nodes: unknown[] } } }>(
        second.url,
        '{ namespace(name: "alice") { experiments { nodes { id } } } }',
      );
      expect(alice.namespace.experiments.nodes).toHaveLength(2);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
    expect(counts(file)).toEqual(seeded);
  }, 240_000);
});
