import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDALONE_RUN_LABEL } from '../../src/kube/workflow/run-labels.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { adminWorkflows, waitFor } from '../runs/run-helpers.js';

/** The reconciler runs inside the sync controller's leader, on its interval, with no call from a test. */
describe('the sync leader reconciles on its own', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { SYNC: 'true', RUN_RECONCILE_GRACE_SECONDS: '1', RUN_RECONCILE_INTERVAL_SECONDS: '1' } });
  });
  afterAll(async () => t?.close());

  it('deletes a kfp-graph-labelled Workflow with no run once the grace period is over; leaves others', async () => {
    const admin = adminWorkflows(t.emulator);
    const spec = { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] };
    await admin.create('bob', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'stray', labels: { [STANDALONE_RUN_LABEL]: 'never-recorded' } },
      spec,
    });
    await admin.create('bob', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'foreign' }, spec });
    await waitFor(async () => !(await admin.list('bob')).some((w) => w.metadata.name === 'stray'), 15_000, 'the stray workflow to be deleted');
    expect((await admin.list('bob')).map((w) => w.metadata.name)).toContain('foreign');
  });
});
