import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationV1Api } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { SubjectAccessReviewAuthorizer } from '../../src/authz/subject-access-review-authorizer.js';
import { connectCluster, type ClusterConnection } from '../../src/kube/cluster-connection.js';
import { ProfileNamespaceDirectory } from '../../src/kube/profile-namespace-directory.js';
import { KubeScheduledWorkflowClient } from '../../src/kube/scheduled-workflow-client.js';
import { KubeWorkflowClient } from '../../src/kube/workflow-client.js';
import { KFP_RUN_LABEL, STANDALONE_RUN_LABEL } from '../../src/kube/workflow/run-labels.js';
import type { StoreHandle } from '../../src/store/store-handle.js';
import { ControllerStateStore } from '../../src/sync/controller-state-store.js';
import { RunEvents } from '../../src/sync/run-events.js';
import { startSync } from '../../src/sync/start-sync.js';
import { WORKFLOWS_STATE_KEY, type SyncController } from '../../src/sync/sync-controller.js';
import { createTestStore, DIALECTS } from '../support/databases.js';
import { adminWorkflows, waitFor } from '../runs/run-helpers.js';

const POD = (wf: string, i: number) => ({
  id: `${wf}-${i}`,
  name: `${wf}.step${i}`,
  displayName: `step${i}`,
  type: 'Pod',
  phase: 'Succeeded',
  templateName: 'main',
  startedAt: `2026-01-01T00:00:0${i}Z`,
  finishedAt: `2026-01-01T00:00:0${i + 1}Z`,
});

describe.each(DIALECTS)('sync controller replicas, restarts and relists (one %s store, one emulator)', (dialect) => {
  let cluster: ClusterConnection;
  let store: StoreHandle;
  let directory: ProfileNamespaceDirectory;
  let admin: ReturnType<typeof adminWorkflows>;
  let experimentId: string;
  const controllers: SyncController[] = [];

  beforeAll(async () => {
    cluster = await connectCluster({ mode: 'emulator', port: 0 });
    store = await createTestStore(dialect);
    directory = await ProfileNamespaceDirectory.start(cluster.kubeConfig);
    admin = adminWorkflows(cluster.emulator!);
    experimentId = randomUUID();
    await store.db
      .insertInto('experiments')
      .values({ id: experimentId, namespace: 'alice', name: 'e', description: '', storage_state: 'AVAILABLE', created_at: 0 })
      .execute();
  });
  afterAll(async () => {
    for (const c of controllers) await c.stop();
    directory?.stop();
    await store?.close();
    await cluster?.close();
  });

  function replica(identity: string): Promise<SyncController> {
    return startSync({
      config: { CONTROL_PLANE_NAMESPACE: 'kubeflow', LEADER_ELECTION_NAMESPACE: undefined, LEASE_DURATION_MS: 1_000, POD_NAME: undefined },
      kubeConfig: cluster.kubeConfig,
      store,
      directory,
      workflows: new KubeWorkflowClient(cluster.kubeConfig),
      scheduledWorkflows: new KubeScheduledWorkflowClient(cluster.kubeConfig),
      creatorAuthorizer: new SubjectAccessReviewAuthorizer(cluster.kubeConfig.makeApiClient(AuthorizationV1Api), { timeoutMs: 2_000 }),
      events: new RunEvents(),
      identity,
      retry: { initialMs: 20, maxMs: 200 },
    }).then((c) => {
      controllers.push(c);
      return c;
    });
  }

  async function newRun(name: string, runLabel: string = STANDALONE_RUN_LABEL): Promise<{ id: string; workflow: string }> {
    const id = randomUUID();
    const workflow = `${name}-${id.slice(0, 5)}`;
    await store.db
      .insertInto('runs')
      .values({
        id,
        namespace: 'alice',
        experiment_id: experimentId,
        pipeline_version_id: null,
        recurring_run_id: null,
        name,
        description: '',
        state: 'PENDING',
        storage_state: 'AVAILABLE',
        parameters: '{}',
        service_account: 'default-editor',
        workflow_name: workflow,
        workflow_status: null,
        workflow_resource_version: null,
        created_by: 'alice@example.com',
        created_at: 1,
        scheduled_at: 1,
        finished_at: null,
        updated_at: 1,
      })
      .execute();
    await admin.create('alice', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: workflow, labels: { [runLabel]: id } },
      spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
    });
    return { id, workflow };
  }

  const runRow = async (id: string) => store.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const executions = async () =>
    Number(
      (
        await store.db
          .selectFrom('Execution')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('two replicas: one leader writes, each update is recorded exactly once', async () => {
    const a = await replica('replica-a');
    const b = await replica('replica-b');
    await waitFor(() => a.isLeader() !== b.isLeader(), 5_000, 'one leader');
    const run = await newRun('pair');
    let last = '';
    for (let i = 0; i < 5; i += 1) {
      const nodes = Object.fromEntries(Array.from({ length: i + 1 }, (_, k) => [POD(run.workflow, k).id, POD(run.workflow, k)]));
      last = (await admin.patch('alice', run.workflow, { status: { phase: i === 4 ? 'Succeeded' : 'Running', nodes } })).metadata.resourceVersion ?? '';
    }
    await waitFor(async () => (await runRow(run.id)).workflow_resource_version === last, 10_000, 'last update');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await runRow(run.id)).state).toBe('SUCCEEDED');
    // ADDED + 5 MODIFIED, each applied once, by the leader only.
    const [leader, follower] = a.isLeader() ? [a, b] : [b, a];
    expect(leader.stats.recorded).toBe(6);
    expect(follower.stats.recorded).toBe(0);
    expect(follower.stats.published).toBeGreaterThanOrEqual(6); // followers still feed their subscribers
    expect(await executions()).toBe(5);
    // Replaying every event (a new leader relisting, a duplicate watch) changes nothing.
    const before = await runRow(run.id);
    await follower.stop();
    await leader.stop();
    controllers.length = 0;
    await new ControllerStateStore(store.db).clear(WORKFLOWS_STATE_KEY);
    const c = await replica('replica-c');
    await waitFor(() => c.stats.watches > 0 && c.isLeader(), 5_000, 'relisted');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await runRow(run.id)).toEqual(before);
    expect(await executions()).toBe(5);
    await c.stop();
    controllers.length = 0;
  });

  // Standalone kfp-graph beside a KFP: a Workflow labelled pipeline/runid is KFP's (its persistence agent reports it,
  // KFP: backend/src/apiserver/resource/resource_manager.go ReportWorkflowResource) and is never taken for a run.
  it("leaves a Workflow carrying only KFP's run label alone, even when a run of that ID exists", async () => {
    const c = await replica('labels');
    try {
      await waitFor(() => c.isLeader(), 5_000, 'leader');
      const kfps = await newRun('kfps', KFP_RUN_LABEL);
      await admin.patch('alice', kfps.workflow, { status: { phase: 'Succeeded' } });
      const ours = await newRun('ours');
      const done = await admin.patch('alice', ours.workflow, { status: { phase: 'Succeeded' } });
      await waitFor(async () => (await runRow(ours.id)).workflow_resource_version === done.metadata.resourceVersion, 10_000, 'ours recorded');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await runRow(kfps.id)).toMatchObject({ state: 'PENDING', workflow_resource_version: null });
      expect((await runRow(ours.id)).state).toBe('SUCCEEDED');
    } finally {
      await c.stop();
      controllers.length = 0;
    }
  });

  it('kill and restart: a new controller resumes from the stored resourceVersion and loses no update', async () => {
    const first = await replica('first');
    await waitFor(() => first.isLeader(), 5_000, 'leader');
    const run = await newRun('restart');
    const running = await admin.patch('alice', run.workflow, { status: { phase: 'Running' } });
    await waitFor(async () => (await runRow(run.id)).workflow_resource_version === running.metadata.resourceVersion);
    await first.stop();
    controllers.length = 0;
    const stored = await new ControllerStateStore(store.db).get(WORKFLOWS_STATE_KEY);
    expect(stored).toMatch(/^\d+$/);

    // While no controller runs, Argo moves on.
    await admin.patch('alice', run.workflow, { status: { phase: 'Running', nodes: { [POD(run.workflow, 0).id]: POD(run.workflow, 0) } } });
    const done = await admin.patch('alice', run.workflow, { status: { phase: 'Failed', message: 'boom' } });

    const second = await replica('second');
    await waitFor(async () => (await runRow(run.id)).workflow_resource_version === done.metadata.resourceVersion, 10_000, 'catch-up');
    expect((await runRow(run.id)).state).toBe('FAILED');
    expect(second.stats.relists).toBe(0); // resumed, not relisted
    expect(second.stats.recorded).toBe(2);
    expect(await new ControllerStateStore(store.db).get(WORKFLOWS_STATE_KEY)).toBe(done.metadata.resourceVersion);
    await second.stop();
    controllers.length = 0;
  });

  it('410 Gone (history compacted past the stored resourceVersion) relists and still applies the latest state', async () => {
    const first = await replica('before-gone');
    await waitFor(() => first.isLeader(), 5_000, 'leader');
    const run = await newRun('gone');
    await waitFor(async () => (await runRow(run.id)).workflow_resource_version !== null);
    await first.stop();
    controllers.length = 0;
    const done = await admin.patch('alice', run.workflow, { status: { phase: 'Succeeded' } });
    // More than the emulator's 1000-event watch history.
    cluster.emulator!.apply(
      Array.from({ length: 1_100 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `filler-${i}`, namespace: 'bob' } })),
    );
    const second = await replica('after-gone');
    await waitFor(async () => (await runRow(run.id)).workflow_resource_version === done.metadata.resourceVersion, 10_000, 'relist');
    expect(second.stats.relists).toBeGreaterThanOrEqual(1);
    expect((await runRow(run.id)).state).toBe('SUCCEEDED');
  });

  it('retries with backoff while SQL is unavailable, losing nothing', async () => {
    const c = controllers[0] ?? (await replica('sql-down'));
    await waitFor(() => c.isLeader(), 5_000, 'leader');
    const run = await newRun('sqldown');
    await waitFor(async () => (await runRow(run.id)).workflow_resource_version !== null);
    // Make the runs table unwritable for a moment: a trigger that aborts every update, in each dialect's words.
    const { sql } = await import('kysely');
    const block = {
      sqlite: [sql`CREATE TRIGGER block_runs BEFORE UPDATE ON runs BEGIN SELECT RAISE(ABORT, 'database unavailable'); END`],
      postgres: [
        sql`CREATE FUNCTION block_runs_fn() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'database unavailable'; END $$ LANGUAGE plpgsql`,
        sql`CREATE TRIGGER block_runs BEFORE UPDATE ON runs FOR EACH ROW EXECUTE FUNCTION block_runs_fn()`,
      ],
      mysql: [sql`CREATE TRIGGER block_runs BEFORE UPDATE ON runs FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'database unavailable'`],
    }[dialect];
    const unblock = {
      sqlite: [sql`DROP TRIGGER block_runs`],
      postgres: [sql`DROP TRIGGER block_runs ON runs`, sql`DROP FUNCTION block_runs_fn()`],
      mysql: [sql`DROP TRIGGER block_runs`],
    }[dialect];
    for (const statement of block) await statement.execute(store.db);
    const done = await admin.patch('alice', run.workflow, { status: { phase: 'Succeeded' } });
    await waitFor(() => c.stats.failures > 0, 5_000, 'a failed write');
    for (const statement of unblock) await statement.execute(store.db);
    await waitFor(async () => (await runRow(run.id)).workflow_resource_version === done.metadata.resourceVersion, 10_000, 'recovered');
    expect((await runRow(run.id)).state).toBe('SUCCEEDED');
  });
});
