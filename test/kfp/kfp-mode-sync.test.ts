import { randomUUID } from 'node:crypto';
import { AuthorizationV1Api, CoordinationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubjectAccessReviewAuthorizer } from '../../src/authz/subject-access-review-authorizer.js';
import { connectCluster, type ClusterConnection } from '../../src/kube/cluster-connection.js';
import { ProfileNamespaceDirectory } from '../../src/kube/profile-namespace-directory.js';
import { KubeScheduledWorkflowClient } from '../../src/kube/scheduled-workflow-client.js';
import { KubeWorkflowClient } from '../../src/kube/workflow-client.js';
import type { StoreHandle } from '../../src/store/store-handle.js';
import { RunEvents, type RunUpdateEvent } from '../../src/sync/run-events.js';
import { startSync, SYNC_LEASE_NAME } from '../../src/sync/start-sync.js';
import type { SyncController } from '../../src/sync/sync-controller.js';
import { createTestStore } from '../support/databases.js';
import { adminWorkflows } from '../runs/run-helpers.js';

/**
 * kfp mode: KFP's persistence agent owns run_details, so the sync controller only watches Workflows and
 * publishes runUpdated, keyed by KFP's run UUID (the `pipeline/runid` label KFP's API server sets); it writes
 * nothing — no run rows, no metadata, no resume point, no Lease.
 */
describe('the sync controller in kfp mode', () => {
  let cluster: ClusterConnection;
  let store: StoreHandle;
  let directory: ProfileNamespaceDirectory;
  let controller: SyncController;
  const events = new RunEvents();

  beforeAll(async () => {
    cluster = await connectCluster({ mode: 'emulator', port: 0 });
    store = await createTestStore('sqlite');
    directory = await ProfileNamespaceDirectory.start(cluster.kubeConfig);
    controller = await startSync({
      config: { CONTROL_PLANE_NAMESPACE: 'kubeflow', LEADER_ELECTION_NAMESPACE: undefined, LEASE_DURATION_MS: 1_000, POD_NAME: undefined },
      kubeConfig: cluster.kubeConfig,
      store,
      directory,
      workflows: new KubeWorkflowClient(cluster.kubeConfig),
      scheduledWorkflows: new KubeScheduledWorkflowClient(cluster.kubeConfig),
      creatorAuthorizer: new SubjectAccessReviewAuthorizer(cluster.kubeConfig.makeApiClient(AuthorizationV1Api), { timeoutMs: 2_000 }),
      events,
      retry: { initialMs: 20, maxMs: 200 },
      publishOnly: true,
    });
  });
  afterAll(async () => {
    await controller?.stop();
    directory?.stop();
    await store?.close();
    await cluster?.close();
  });

  it("publishes runUpdated for a KFP run's Workflow, keyed by pipeline/runid, and writes nothing", async () => {
    const admin = adminWorkflows(cluster.emulator as NonNullable<ClusterConnection['emulator']>);
    const runId = randomUUID();
    const subscription = events.subscribe('alice', runId);
    const name = `kfp-run-${runId.slice(0, 5)}`;
    await admin.create('alice', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name, labels: { 'pipeline/runid': runId } },
      spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
    });
    await admin.patch('alice', name, { status: { phase: 'Running', startedAt: '2026-01-01T00:00:00Z' } });
    const seen: RunUpdateEvent[] = [];
    const deadline = Date.now() + 5_000;
    while (!seen.some((e) => e.state === 'RUNNING') && Date.now() < deadline) {
      const next = await Promise.race([subscription.next(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 500))]);
      if (next && !next.done) seen.push(next.value);
    }
    await subscription.return?.();
    expect(seen.map((e) => [e.runId, e.namespace])).toContainEqual([runId, 'alice']);
    expect(seen.some((e) => e.state === 'RUNNING')).toBe(true);
    expect(controller.isLeader()).toBe(false);
    expect(await store.db.selectFrom('runs').select('id').execute()).toEqual([]);
    expect(await store.db.selectFrom('controller_state').select('name').execute()).toEqual([]);
    expect(await store.db.selectFrom('Execution').select('id').execute()).toEqual([]);
    const leases = await cluster.kubeConfig.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace: 'kubeflow' });
    expect(leases.items.map((l) => l.metadata?.name)).not.toContain(SYNC_LEASE_NAME);
    // The Workflow is KFP's: left exactly where it is.
    expect((await admin.get('alice', name)).metadata.name).toBe(name);
  });
});
