import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../../src/ids/global-id.js';
import { KubeScheduledWorkflowClient, SCHEDULED_WORKFLOW_RESOURCE, type ScheduledWorkflow } from '../../src/kube/scheduled-workflow-client.js';
import { LABEL_SCHEDULED_WORKFLOW_NAME } from '../../src/kube/workflow/run-labels.js';
import { normalizeCron } from '../../src/recurring-runs/cron-schedule.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { adminWorkflows, experimentOf, versionOf, waitFor } from './run-helpers.js';

const ALICE = { user: 'alice@example.com', groups: ['research-readers'] };
const CREATE = `mutation($input: CreateRecurringRunInput!) { createRecurringRun(input: $input) { recurringRun { id enabled maxConcurrency catchup createdBy trigger { cron intervalSeconds } } } }`;

describe('cron validation', () => {
  it('accepts 6 fields (seconds, as KFP), 5 fields (seconds prepended) and descriptors', () => {
    expect(normalizeCron('0 */5 * * * MON-FRI')).toBe('0 */5 * * * MON-FRI');
    expect(normalizeCron('30 2 * * *')).toBe('0 30 2 * * *');
    expect(normalizeCron('0 0 12 ? * 1,3,5')).toBe('0 0 12 ? * 1,3,5');
    expect(normalizeCron('@every 1h30m')).toBe('@every 1h30m');
    expect(normalizeCron('@daily')).toBe('@daily');
  });
  it.each([
    ['* * *', 'expected 6 fields'],
    ['60 * * * * *', 'seconds field "60"'],
    ['0 0 25 * * *', 'hours field "25"'],
    ['0 0 0 0 * *', 'day of month field "0"'],
    ['0 0 0 * 13 *', 'month field "13"'],
    ['0 ? * * * *', 'minutes field "?"'],
    ['0 */0 * * * *', 'step'],
    ['0 5-1 * * * *', 'ends before it starts'],
    ['@sometimes', 'unknown descriptor'],
  ])('rejects %s clearly', (cron, message) => {
    expect(() => normalizeCron(cron)).toThrow(message);
  });
});

describe('recurring runs as ScheduledWorkflows', () => {
  let t: TestServer;
  let custom: CustomObjectsApi;
  let input: Record<string, unknown>;

  beforeAll(async () => {
    t = await startTestServer({ env: { SYNC: 'true', LEASE_DURATION_MS: '2000' } });
    const kc = new KubeConfig();
    kc.loadFromString(t.emulator.kubeconfigYaml());
    custom = kc.makeApiClient(CustomObjectsApi);
    input = {
      namespace: 'ml-research',
      experimentId: (await experimentOf(t.server.app.store.db, 'ml-research')).globalId,
      pipelineVersionId: await versionOf(t.server.app.store.db, '', 'hello-world'),
      parameters: { message: 'scheduled' },
    };
  });
  afterAll(async () => t?.close());

  const swf = async (name: string) =>
    (await custom.getNamespacedCustomObject({ ...SCHEDULED_WORKFLOW_RESOURCE, namespace: 'ml-research', name })) as ScheduledWorkflow;
  const row = async (globalId: string) => (await t.server.app.repositories.recurringRuns.byIds([fromGlobalId(globalId).id]))[0];

  it('creates a KFP-shaped ScheduledWorkflow and a row with the creator (user and groups); enable, disable, delete', async () => {
    const res = await t.gql<{ createRecurringRun: { recurringRun: { id: string; enabled: boolean; createdBy: string; trigger: { cron: string } } } }>(
      CREATE,
      {
        input: { ...input, name: 'hourly', cron: '0 * * * *', maxConcurrency: 2, catchup: false, startAt: '2026-01-01T00:00:00Z' },
      },
      ALICE,
    );
    expect(res.body.errors).toBeUndefined();
    const created = res.body.data?.createRecurringRun.recurringRun;
    expect(created).toMatchObject({ enabled: true, createdBy: 'alice@example.com', trigger: { cron: '0 0 * * * *' } });
    const stored = await row(created?.id ?? '');
    expect(JSON.parse(stored?.created_by_groups ?? '[]')).toEqual(['research-readers']);
    const object = await swf(stored?.scheduled_workflow_name ?? '');
    expect(object.spec).toMatchObject({
      enabled: true,
      maxConcurrency: 2,
      noCatchup: true,
      trigger: { cronSchedule: { cron: '0 0 * * * *', startTime: '2026-01-01T00:00:00.000Z' } },
      workflow: { parameters: [{ name: 'message', value: 'scheduled' }], spec: { serviceAccountName: 'default-editor', entrypoint: expect.any(String) } },
    });

    const id = created?.id ?? '';
    const disabled = await t.gql<{ disableRecurringRun: { recurringRun: { enabled: boolean } } }>(
      `mutation($id: ID!) { disableRecurringRun(input: { id: $id }) { recurringRun { enabled } } }`,
      { id },
      ALICE,
    );
    expect(disabled.body.data?.disableRecurringRun.recurringRun.enabled).toBe(false);
    expect((await swf(stored?.scheduled_workflow_name ?? '')).spec.enabled).toBe(false);
    const viewer = await t.gql(
      `mutation($id: ID!) { enableRecurringRun(input: { id: $id }) { recurringRun { enabled } } }`,
      { id },
      { user: 'dave@example.com' },
    );
    expect(viewer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await t.gql(`mutation($id: ID!) { enableRecurringRun(input: { id: $id }) { recurringRun { enabled } } }`, { id }, ALICE);
    expect((await swf(stored?.scheduled_workflow_name ?? '')).spec.enabled).toBe(true);
    const deleted = await t.gql(`mutation($id: ID!) { deleteRecurringRun(input: { id: $id }) { recurringRun { id } } }`, { id }, ALICE);
    expect(deleted.body.errors).toBeUndefined();
    await expect(swf(stored?.scheduled_workflow_name ?? '')).rejects.toThrow();
    expect(await row(id)).toBeUndefined();
  });

  it('mirrors a schedule paused or deleted in the cluster (kubectl, KFP UI) into the recurring run', async () => {
    const res = await t.gql<{ createRecurringRun: { recurringRun: { id: string } } }>(
      CREATE,
      { input: { ...input, name: 'mirrored', intervalSeconds: 3600 } },
      ALICE,
    );
    const id = res.body.data?.createRecurringRun.recurringRun.id ?? '';
    const name = (await row(id))?.scheduled_workflow_name ?? '';
    const kc = new KubeConfig();
    kc.loadFromString(t.emulator.kubeconfigYaml());
    const admin = new KubeScheduledWorkflowClient(kc);
    const becomes = (enabled: number) => waitFor(async () => (await row(id))?.enabled === enabled, 10_000, `enabled = ${enabled}`);
    await admin.mergePatch('ml-research', name, { spec: { enabled: false } });
    await becomes(0);
    await admin.mergePatch('ml-research', name, { spec: { enabled: true } });
    await becomes(1);
    await admin.delete('ml-research', name);
    await becomes(0);
    const query = await t.gql<{ recurringRun: { enabled: boolean } }>(`query($id: ID!) { recurringRun(id: $id) { enabled } }`, { id }, ALICE);
    expect(query.body.data?.recurringRun.enabled).toBe(false);
  });

  it('refuses a bad cron, both or neither trigger, and maxConcurrency out of range, creating nothing', async () => {
    for (const [extra, path] of [
      [{ cron: '61 * * * * *' }, 'input.cron'],
      [{ cron: '0 * * * *', intervalSeconds: 60 }, 'input.cron'],
      [{}, 'input.cron'],
      [{ intervalSeconds: 60, maxConcurrency: 11 }, 'input.maxConcurrency'],
    ] as const) {
      const res = await t.gql(CREATE, { input: { ...input, name: 'bad', ...extra } }, ALICE);
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { path } });
    }
    const list = (await custom.listNamespacedCustomObject({ ...SCHEDULED_WORKFLOW_RESOURCE, namespace: 'ml-research' })) as { items: unknown[] };
    expect(list.items).toHaveLength(0);
  });

  it('records a scheduled run attributed to the creator; once the creator lost the right, disables the schedule and records FAILED instead of running it', async () => {
    const admin = adminWorkflows(t.emulator);
    const res = await t.gql<{ createRecurringRun: { recurringRun: { id: string } } }>(
      CREATE,
      { input: { ...input, name: 'every-minute', intervalSeconds: 60 } },
      ALICE,
    );
    const recurring = await row(res.body.data?.createRecurringRun.recurringRun.id ?? '');
    const scheduledName = recurring?.scheduled_workflow_name ?? '';
    const spec = (await swf(scheduledName)).spec.workflow as { spec: object };
    // What KFP's ScheduledWorkflow controller creates: the spec, labelled with the schedule.
    const produce = (suffix: string) =>
      admin.create('ml-research', {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: {
          name: `${scheduledName}-${suffix}`,
          labels: { [LABEL_SCHEDULED_WORKFLOW_NAME]: scheduledName, 'scheduledworkflows.kubeflow.org/workflowEpoch': '1767225600' },
        },
        spec: spec.spec,
      });

    const ok = await produce('1');
    const okRow = await waitFor(async () => (await t.server.app.repositories.runs.byIds([ok.metadata.uid ?? '']))[0], 5_000, 'scheduled run row');
    expect(okRow).toMatchObject({
      namespace: 'ml-research',
      recurring_run_id: recurring?.id,
      created_by: 'alice@example.com',
      scheduled_at: 1767225600000,
      state: 'PENDING',
    });

    // alice loses her edit binding in ml-research (simulated by a creator who never had it).
    await t.server.app.repositories.recurringRuns.update(recurring?.id ?? '', { created_by: 'former-member@example.com', created_by_groups: '[]' });
    const denied = await produce('2');
    const deniedRow = await waitFor(async () => (await t.server.app.repositories.runs.byIds([denied.metadata.uid ?? '']))[0], 5_000, 'denied run row');
    expect(deniedRow.state).toBe('FAILED');
    expect(JSON.parse(deniedRow.workflow_status ?? '{}').message).toContain('may no longer create runs in namespace ml-research');
    expect((await t.server.app.repositories.recurringRuns.byIds([recurring?.id ?? '']))[0]?.enabled).toBe(0);
    expect((await swf(scheduledName)).spec.enabled).toBe(false);
    await waitFor(async () => !(await admin.list('ml-research')).some((w) => w.metadata.name === `${scheduledName}-2`), 5_000, 'workflow deleted');
    // A later status write by Argo does not revive it.
    expect((await t.server.app.repositories.runs.byIds([denied.metadata.uid ?? '']))[0]?.state).toBe('FAILED');
  });

  it('archiving an experiment disables its recurring runs, in the cluster too; unarchiving does not re-enable them (KFP ArchiveExperiment)', async () => {
    // KFP: backend/src/apiserver/resource/resource_manager.go ArchiveExperiment patches spec.enabled=false onto each
    // ScheduledWorkflow of the experiment, then disables the jobs in the same transaction that archives the runs;
    // UnarchiveExperiment restores only the experiment.
    const created = await t.gql<{ createExperiment: { experiment: { id: string } } }>(
      `mutation { createExperiment(input: { namespace: "ml-research", name: "archived-with-schedules" }) { experiment { id } } }`,
      {},
      ALICE,
    );
    const experimentId = created.body.data?.createExperiment.experiment.id ?? '';
    expect(experimentId).not.toBe('');
    const schedule = async (name: string) => {
      const res = await t.gql<{ createRecurringRun: { recurringRun: { id: string } } }>(
        CREATE,
        { input: { ...input, experimentId, name, intervalSeconds: 3600 } },
        ALICE,
      );
      expect(res.body.errors).toBeUndefined();
      const id = res.body.data?.createRecurringRun.recurringRun.id ?? '';
      return { id, swfName: (await row(id))?.scheduled_workflow_name ?? '' };
    };
    const first = await schedule('archived-a');
    const second = await schedule('archived-b');
    const gone = await schedule('archived-gone');
    // One ScheduledWorkflow was deleted behind kfp-graph's back: nothing to disable there, and no reason to refuse.
    const kc = new KubeConfig();
    kc.loadFromString(t.emulator.kubeconfigYaml());
    await new KubeScheduledWorkflowClient(kc).delete('ml-research', gone.swfName);
    expect((await swf(first.swfName)).spec.enabled).toBe(true);

    const enabledOf = `query($a: ID!, $b: ID!) { a: recurringRun(id: $a) { enabled } b: recurringRun(id: $b) { enabled } }`;
    const archived = await t.gql<{ archiveExperiment: { experiment: { storageState: string } } }>(
      `mutation($id: ID!) { archiveExperiment(input: { id: $id }) { experiment { storageState } } }`,
      { id: experimentId },
      ALICE,
    );
    expect(archived.body.errors).toBeUndefined();
    expect(archived.body.data?.archiveExperiment.experiment.storageState).toBe('ARCHIVED');
    for (const s of [first, second]) {
      expect((await swf(s.swfName)).spec.enabled).toBe(false);
      expect((await row(s.id))?.enabled).toBe(0);
    }
    expect((await row(gone.id))?.enabled).toBe(0);
    expect((await t.gql(enabledOf, { a: first.id, b: second.id }, ALICE)).body.data).toEqual({ a: { enabled: false }, b: { enabled: false } });

    const unarchived = await t.gql<{ unarchiveExperiment: { experiment: { storageState: string } } }>(
      `mutation($id: ID!) { unarchiveExperiment(input: { id: $id }) { experiment { storageState } } }`,
      { id: experimentId },
      ALICE,
    );
    expect(unarchived.body.data?.unarchiveExperiment.experiment.storageState).toBe('AVAILABLE');
    for (const s of [first, second]) {
      expect((await swf(s.swfName)).spec.enabled).toBe(false);
      expect((await row(s.id))?.enabled).toBe(0);
    }
    expect((await t.gql(enabledOf, { a: first.id, b: second.id }, ALICE)).body.data).toEqual({ a: { enabled: false }, b: { enabled: false } });
  });
});
