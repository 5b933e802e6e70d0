/**
 * Issue 4: the sync controller's throughput, workflow updates per second into SQL + ML-Metadata.
 *
 *   npx tsx bench/sync-throughput.ts
 *
 * Against the built-in emulator over a real socket, on SQLite (in memory) and on the local PostgreSQL. 50 runs get
 * 10 status updates each (500 updates; every update adds a Pod node, so each one also writes an MLMD
 * execution and replays the earlier ones). The updates are written while the controller is stopped; then a
 * controller starts from the stored resourceVersion and the clock runs until the last update is applied, so
 * the number is the controller's own rate (watch decode, run upsert, MLMD record, resourceVersion save).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AuthorizationV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { SubjectAccessReviewAuthorizer } from '../src/authz/subject-access-review-authorizer.js';
import { connectCluster } from '../src/kube/cluster-connection.js';
import { ProfileNamespaceDirectory } from '../src/kube/profile-namespace-directory.js';
import { KubeScheduledWorkflowClient } from '../src/kube/scheduled-workflow-client.js';
import { KubeWorkflowClient, WORKFLOW_RESOURCE } from '../src/kube/workflow-client.js';
import { STANDALONE_RUN_LABEL } from '../src/kube/workflow/run-labels.js';
import { ControllerStateStore } from '../src/sync/controller-state-store.js';
import { RunEvents } from '../src/sync/run-events.js';
import { startSync } from '../src/sync/start-sync.js';
import { WORKFLOWS_STATE_KEY } from '../src/sync/sync-controller.js';
import { createTestStore } from '../test/support/databases.js';

const RUNS = 50;
const UPDATES_PER_RUN = 10;

async function benchOne(dialect: 'sqlite' | 'postgres'): Promise<{ dialect: string; updates: number; seconds: number; perSecond: number }> {
  const cluster = await connectCluster({ mode: 'emulator', port: 0 });
  // test/support's store (a schema of its own on the local PostgreSQL, pool of 4, dropped on close).
  const store = await createTestStore(dialect);
  const directory = await ProfileNamespaceDirectory.start(cluster.kubeConfig);
  try {
    const admin = new KubeConfig();
    admin.loadFromString(cluster.emulator?.kubeconfigYaml() ?? '');
    const custom = admin.makeApiClient(CustomObjectsApi);
    const experiment = randomUUID();
    await store.db
      .insertInto('experiments')
      .values({ id: experiment, namespace: 'alice', name: 'bench', description: '', storage_state: 'AVAILABLE', created_at: 0 })
      .execute();
    const parts = {
      config: { CONTROL_PLANE_NAMESPACE: 'kubeflow', LEADER_ELECTION_NAMESPACE: undefined, LEASE_DURATION_MS: 5_000, POD_NAME: undefined },
      kubeConfig: cluster.kubeConfig,
      store,
      directory,
      workflows: new KubeWorkflowClient(cluster.kubeConfig),
      scheduledWorkflows: new KubeScheduledWorkflowClient(cluster.kubeConfig),
      creatorAuthorizer: new SubjectAccessReviewAuthorizer(cluster.kubeConfig.makeApiClient(AuthorizationV1Api), { timeoutMs: 2_000 }),
      events: new RunEvents(),
    };
    // Establish the resumption point, then stop: the updates below queue up in the watch history.
    const warm = await startSync({ ...parts, identity: 'bench-warm' });
    const stateStore = new ControllerStateStore(store.db);
    while (!(await stateStore.get(WORKFLOWS_STATE_KEY))) await new Promise((r) => setTimeout(r, 20));
    await warm.stop();

    const runs: { id: string; workflow: string }[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const id = randomUUID();
      const workflow = `bench-${i}-${id.slice(0, 5)}`;
      runs.push({ id, workflow });
      await store.db
        .insertInto('runs')
        .values({
          id,
          namespace: 'alice',
          experiment_id: experiment,
          pipeline_version_id: null,
          recurring_run_id: null,
          name: workflow,
          description: '',
          state: 'PENDING',
          storage_state: 'AVAILABLE',
          parameters: '{}',
          service_account: 'default-editor',
          workflow_name: workflow,
          workflow_status: null,
          workflow_resource_version: null,
          created_by: 'bench',
          created_at: 0,
          scheduled_at: 0,
          finished_at: null,
          updated_at: 0,
        })
        .execute();
      await custom.createNamespacedCustomObject({
        ...WORKFLOW_RESOURCE,
        namespace: 'alice',
        body: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Workflow',
          metadata: { name: workflow, labels: { [STANDALONE_RUN_LABEL]: id } },
          spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
        },
      });
    }
    let last = '';
    const nodes: Record<string, Record<string, unknown>>[] = runs.map(() => ({}));
    for (let u = 0; u < UPDATES_PER_RUN; u += 1) {
      for (const [i, run] of runs.entries()) {
        const node = `${run.workflow}-${u}`;
        (nodes[i] as Record<string, unknown>)[node] = {
          id: node,
          name: `${run.workflow}.step${u}`,
          displayName: `step${u}`,
          type: 'Pod',
          phase: 'Succeeded',
          templateName: 'main',
          startedAt: new Date(u * 1000).toISOString(),
          finishedAt: new Date(u * 1000 + 500).toISOString(),
          outputs: { artifacts: [{ name: 'out', s3: { bucket: 'mlpipeline', key: `bench/${run.workflow}/${u}` } }] },
        };
        const written = (await custom.patchNamespacedCustomObject(
          {
            ...WORKFLOW_RESOURCE,
            namespace: 'alice',
            name: run.workflow,
            body: { status: { phase: u === UPDATES_PER_RUN - 1 ? 'Succeeded' : 'Running', nodes: { [node]: nodes[i]?.[node] } } },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        )) as { metadata: { resourceVersion: string } };
        last = written.metadata.resourceVersion;
      }
    }
    const updates = RUNS * (UPDATES_PER_RUN + 1); // the ADDED event of each workflow, and its updates

    const started = performance.now();
    const controller = await startSync({ ...parts, identity: 'bench' });
    while ((await stateStore.get(WORKFLOWS_STATE_KEY)) !== last) await new Promise((r) => setTimeout(r, 5));
    const seconds = (performance.now() - started) / 1000;
    await controller.stop();
    const executions = Number(
      (
        await store.db
          .selectFrom('Execution')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    if (controller.stats.recorded !== updates || executions !== RUNS * UPDATES_PER_RUN) {
      throw new Error(`expected ${updates} updates and ${RUNS * UPDATES_PER_RUN} executions, got ${controller.stats.recorded} and ${executions}`);
    }
    return { dialect, updates, seconds, perSecond: updates / seconds };
  } finally {
    directory.stop();
    await store.close();
    await cluster.close();
  }
}

export async function main(): Promise<void> {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const result = await benchOne(dialect);
    console.log(
      `sync ${result.dialect.padEnd(8)} ${result.updates} updates in ${result.seconds.toFixed(2)} s = ${result.perSecond.toFixed(0)} updates/s (SQL + MLMD)`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
