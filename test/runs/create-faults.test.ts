import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/config.js';
import { demoSeed, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { fromGlobalId, toGlobalId } from '../../src/ids/global-id.js';
import { StaticNamespaceDirectory } from '../../src/kube/namespace-directory.js';
import { KubeWorkflowClient } from '../../src/kube/workflow-client.js';
import { STANDALONE_RUN_LABEL } from '../../src/kube/workflow/run-labels.js';
import { RunService } from '../../src/runs/run-service.js';
import { ExperimentRepository } from '../../src/store/experiment-repository.js';
import { IdempotencyRepository } from '../../src/store/idempotency-repository.js';
import { PipelineRepository } from '../../src/store/pipeline-repository.js';
import { RunRepository } from '../../src/store/run-repository.js';
import type { StoreHandle } from '../../src/store/store-handle.js';
import { RunReconciler } from '../../src/sync/run-reconciler.js';
import { createTestStore } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { adminWorkflows, argoFixture, CREATE_RUN, experimentOf } from './run-helpers.js';

/**
 * createRun under faults: never "told 503 but created", never "a Workflow with no run". Real PostgreSQL and
 * MariaDB (a table lock makes the database slow), the real emulator over a socket (an HTTP proxy in front of it
 * forwards a request and then loses the answer).
 */
const ALICE = { user: 'alice@example.com' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type CreateRunData = { createRun: { run: { id: string } } | null };

/** Holds an exclusive lock on `table` for `ms` on one connection of the store, as a slow database would. */
async function holdLock(store: StoreHandle, table: 'runs' | 'experiments', ms: number, locked: () => void): Promise<void> {
  if (store.dialect === 'postgres') {
    await store.db.transaction().execute(async (trx) => {
      await sql.raw(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`).execute(trx);
      locked();
      await sleep(ms);
    });
    return;
  }
  await store.db.connection().execute(async (conn) => {
    await sql.raw(`LOCK TABLES ${table} WRITE`).execute(conn);
    locked();
    await sleep(ms);
    await sql.raw('UNLOCK TABLES').execute(conn);
  });
}

describe.each(['postgres', 'mysql'] as const)('createRun past its deadline on a slow %s', (dialect) => {
  let t: TestServer;
  let experiment: { id: string; globalId: string };
  beforeAll(async () => {
    t = await startTestServer({ dialect, env: { REQUEST_TIMEOUT_MS: '700' } });
    experiment = await experimentOf(t.server.app.store.db, 'alice');
  });
  afterAll(async () => t?.close());

  const input = (name: string) => ({ input: { namespace: 'alice', experimentId: experiment.globalId, workflowSpec: argoFixture('hello-world'), name } });
  const rowsNamed = async (name: string) => await t.server.app.store.db.selectFrom('runs').selectAll().where('name', '=', name).execute();
  const workflowsOf = async (runId: string) =>
    (await adminWorkflows(t.emulator).list('alice')).filter((w) => w.metadata.labels?.[STANDALONE_RUN_LABEL] === runId);

  it('a write that began is finished and answered, late, never reported as 503', async () => {
    let lockedAt = 0;
    const lock = holdLock(t.server.app.store, 'runs', 2_000, () => (lockedAt = Date.now()));
    while (lockedAt === 0) await sleep(10);
    const answer = await t.gql<CreateRunData>(CREATE_RUN, input('slow insert'), ALICE);
    await lock;
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(Date.now() - lockedAt).toBeGreaterThanOrEqual(1_900);
    const id = fromGlobalId(answer.body.data?.createRun?.run.id ?? '').id;
    const rows = await rowsNamed('slow insert');
    expect(rows.map((r) => [r.id, r.pending_since])).toEqual([[id, null]]);
    expect(await workflowsOf(id)).toHaveLength(1);
  });

  it('a deadline that passes before the first write is a 503 that leaves nothing behind', async () => {
    let locked = false;
    const before = (await adminWorkflows(t.emulator).list('alice')).length;
    const lock = holdLock(t.server.app.store, 'experiments', 1_500, () => (locked = true));
    while (!locked) await sleep(10);
    const answer = await t.gql<CreateRunData>(CREATE_RUN, input('slow read'), ALICE);
    await lock;
    expect(answer.status).toBe(503);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
    await sleep(500); // the resolver carried on after the answer; it must not have written
    expect(await rowsNamed('slow read')).toEqual([]);
    expect((await adminWorkflows(t.emulator).list('alice')).length).toBe(before);
  });
});

describe('other mutations past their deadline on a slow PostgreSQL', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ dialect: 'postgres', env: { REQUEST_TIMEOUT_MS: '700' } });
  });
  afterAll(async () => t?.close());

  it('archiveRun that could not start before the deadline answers 503 and changes nothing', async () => {
    const [run] = await t.server.app.store.db
      .selectFrom('runs')
      .selectAll()
      .where('namespace', '=', 'alice')
      .where('storage_state', '=', 'AVAILABLE')
      .limit(1)
      .execute();
    if (!run) throw new Error('the demo data has no run in alice');
    let locked = false;
    const lock = holdLock(t.server.app.store, 'runs', 1_500, () => (locked = true));
    while (!locked) await sleep(10);
    const answer = await t.gql(`mutation($id: ID!) { archiveRun(input: { id: $id }) { run { storageState } } }`, { id: toGlobalId('Run', run.id) }, ALICE);
    await lock;
    expect(answer.status).toBe(503);
    await sleep(500);
    const [after] = await t.server.app.store.db.selectFrom('runs').select('storage_state').where('id', '=', run.id).execute();
    expect(after?.storage_state).toBe('AVAILABLE');
  });
});

/** Forwards every request to the emulator; while `loseAnswers` matches, the request is delivered but its answer never returned. */
interface LossyProxy {
  readonly url: string;
  loseAnswers: ((req: IncomingMessage) => boolean) | null;
  close(): Promise<void>;
}

async function startLossyProxy(target: string): Promise<LossyProxy> {
  const upstream = new URL(target);
  const state: { loseAnswers: ((req: IncomingMessage) => boolean) | null } = { loseAnswers: null };
  const server: Server = createServer((req, res) => {
    const lose = state.loseAnswers?.(req) ?? false;
    const forwarded = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      if (lose) {
        answer.resume(); // the cluster did the work; its answer is lost on the way back
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get loseAnswers() {
      return state.loseAnswers;
    },
    set loseAnswers(value) {
      state.loseAnswers = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The emulator's kubeconfig, pointed at `server` (the proxy or the emulator), plain HTTP acknowledged. */
function plainHttpKubeConfig(emulator: RunningEmulator, server: string): KubeConfig {
  const source = new KubeConfig();
  source.loadFromString(emulator.kubeconfigYaml());
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: source.clusters.map((c) => ({ ...c, server, skipTLSVerify: true })),
    users: source.users,
    contexts: source.contexts,
    currentContext: source.getCurrentContext(),
  });
  return kc;
}

function kubeConfigYaml(kc: KubeConfig): string {
  return kc.exportConfig();
}

describe("createRun when the cluster's answer is lost (emulator behind a lossy proxy)", () => {
  let emulator: RunningEmulator;
  let proxy: LossyProxy;
  let store: StoreHandle;
  let service: RunService;
  let reconciler: (nowOffsetMs: number) => RunReconciler;
  let config: Config;
  const experimentId = 'exp-alice';
  const creator = { user: 'alice@example.com', groups: [], source: 'header' as const };
  // The admin talks to the emulator directly; client-node wants plain HTTP acknowledged.
  const admin = () => adminWorkflows({ kubeconfigYaml: () => kubeConfigYaml(plainHttpKubeConfig(emulator, emulator.url)) } as RunningEmulator);

  beforeAll(async () => {
    emulator = await startEmulator({ protocol: 'http', seed: demoSeed() });
    proxy = await startLossyProxy(emulator.url);
    store = await createTestStore('postgres');
    await store.db
      .insertInto('experiments')
      .values({ id: experimentId, namespace: 'alice', name: 'faults', description: '', storage_state: 'AVAILABLE', created_at: Date.now() })
      .execute();
    const workflows = new KubeWorkflowClient(plainHttpKubeConfig(emulator, proxy.url));
    config = { ...loadConfig({ CLUSTER_WRITE_TIMEOUT_MS: '400' }, []) };
    service = new RunService({
      config,
      db: store.db,
      runs: new RunRepository(store.db),
      keys: new IdempotencyRepository(store.db),
      experiments: new ExperimentRepository(store.db),
      pipelines: new PipelineRepository(store.db),
      workflows,
      now: Date.now,
    });
    reconciler = (offset) =>
      new RunReconciler({
        db: store.db,
        workflows,
        directory: new StaticNamespaceDirectory(['alice', 'bob']),
        graceMs: 300_000,
        keyTtlMs: 86_400_000,
        now: () => Date.now() + offset,
      });
  });
  afterAll(async () => {
    await proxy?.close();
    await store?.close();
    await emulator?.close();
  });

  const create = (name: string, requestId?: string) =>
    service.create({ namespace: 'alice', experimentId, workflowSpec: argoFixture('hello-world'), name }, creator, requestId ? { requestId } : {});
  const labelled = async (runId: string) => (await admin().list('alice')).filter((w) => w.metadata.labels?.[STANDALONE_RUN_LABEL] === runId);
  const losingWorkflowWrites = (req: IncomingMessage) => (req.url ?? '').includes('/workflows') && (req.method === 'POST' || req.method === 'DELETE');

  it('answers UNAVAILABLE with the run left pending; the same requestId then returns that run, created once', async () => {
    proxy.loseAnswers = losingWorkflowWrites;
    const failure = await create('lost answer', 'lost-1').then(
      () => undefined,
      (error: unknown) => error,
    );
    proxy.loseAnswers = null;
    expect(failure).toMatchObject({ code: 'UNAVAILABLE' });
    const [pending] = await store.db.selectFrom('runs').selectAll().where('name', '=', 'lost answer').execute();
    expect(pending?.pending_since).not.toBeNull();
    // Hidden from lists while it may still be undone.
    const listed = await new RunRepository(store.db).list(['alice'], {}, undefined, { size: 50, backward: false, cursor: null });
    expect(listed.items.map((r) => r.id)).not.toContain(pending?.id);

    const retried = await create('lost answer', 'lost-1');
    expect(retried.id).toBe(pending?.id);
    expect(retried.pending_since).toBeNull();
    expect(await labelled(retried.id)).toHaveLength(1);
    expect(await store.db.selectFrom('runs').select('id').where('name', '=', 'lost answer').execute()).toHaveLength(1);
  });

  it('without a requestId the reconciler settles it after the grace period: neither run nor Workflow', async () => {
    proxy.loseAnswers = losingWorkflowWrites;
    await expect(create('lost, no key')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    proxy.loseAnswers = null;
    const [pending] = await store.db.selectFrom('runs').selectAll().where('name', '=', 'lost, no key').execute();
    // The row stays marked pending: neither the Workflow's creation nor its undo could be confirmed.
    expect(pending?.pending_since).toEqual(expect.any(Number));
    // Inside the grace period nothing is touched: the create may still be under way.
    expect((await reconciler(0).reconcileOnce()).droppedRuns).not.toContain(pending?.id);
    const report = await reconciler(301_000).reconcileOnce();
    const id = pending?.id ?? '';
    const workflowLeft = (await labelled(id)).length;
    const rowLeft = (await store.db.selectFrom('runs').select('id').where('id', '=', id).execute()).length;
    // The undo's DELETE reached the cluster (only its answer was lost), so the Workflow is gone and the
    // reconciler drops the pending row: neither exists, and never one without the other.
    expect(report.droppedRuns).toContain(id);
    expect([workflowLeft, rowLeft]).toEqual([0, 0]);
  });

  it('adopts a run left pending whose Workflow exists (the process stopped between the two writes)', async () => {
    const run = await create('crashed before mark');
    await store.db.updateTable('runs').set({ pending_since: Date.now() }).where('id', '=', run.id).execute();
    const report = await reconciler(301_000).reconcileOnce();
    expect(report.adoptedRuns).toContain(run.id);
    const [row] = await store.db.selectFrom('runs').selectAll().where('id', '=', run.id).execute();
    expect(row?.pending_since).toBeNull();
    expect(await labelled(run.id)).toHaveLength(1);
  });

  it('deletes a kfp-graph-labelled Workflow with no run after the grace period, and only then', async () => {
    const orphan = await admin().create('alice', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'orphan-workflow', labels: { [STANDALONE_RUN_LABEL]: 'no-such-run' } },
      spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
    });
    const unlabelled = await admin().create('alice', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'not-ours' },
      spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
    });
    expect((await reconciler(0).reconcileOnce()).deletedWorkflows).toEqual([]);
    const report = await reconciler(301_000).reconcileOnce();
    expect(report.deletedWorkflows).toEqual([`alice/${orphan.metadata.name}`]);
    const names = (await admin().list('alice')).map((w) => w.metadata.name);
    expect(names).not.toContain(orphan.metadata.name);
    expect(names).toContain(unlabelled.metadata.name);
  });
});
