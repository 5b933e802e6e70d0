import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunService } from '../../src/runs/run-service.js';
import { IdempotencyRepository } from '../../src/store/idempotency-repository.js';
import { RunRepository } from '../../src/store/run-repository.js';
import { openStore } from '../../src/store/store-handle.js';
import { fromGlobalId } from '../../src/ids/global-id.js';
import { readFileSync } from 'node:fs';
import { ANNOTATION_RUN_NAME, KFP_RUN_LABEL, STANDALONE_RUN_LABEL } from '../../src/kube/workflow/run-labels.js';
import { UPSTREAM_FIXTURES } from '../support/upstream-fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { adminWorkflows, argoFixture, CREATE_RUN, experimentOf, versionOf } from './run-helpers.js';

const ALICE = { user: 'alice@example.com' };
const BOB = { user: 'bob@example.com' };

type CreateRunData = { createRun: { run: { id: string; name: string; state: string; namespace: string; serviceAccount: string } } | null };

describe('run mutations on the emulator', () => {
  let t: TestServer;
  let admin: ReturnType<typeof adminWorkflows>;
  let experiment: { id: string; globalId: string };
  const runCount = async () =>
    Number(
      (
        await t.server.app.store.db
          .selectFrom('runs')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await startTestServer({ env: { ALLOWED_SERVICE_ACCOUNTS: 'pipeline-runner' } });
    admin = adminWorkflows(t.emulator);
    experiment = await experimentOf(t.server.app.store.db, 'alice');
  });
  afterAll(async () => t?.close());

  it('createRun from a shared pipeline version: a labelled Workflow under the runner account, and a PENDING row', async () => {
    const shared = await versionOf(t.server.app.store.db, '', 'hello-world');
    const res = await t.gql<CreateRunData>(
      CREATE_RUN,
      { input: { namespace: 'alice', experimentId: experiment.globalId, pipelineVersionId: shared, name: 'Nightly hello', parameters: { message: 'hi' } } },
      ALICE,
    );
    expect(res.body.errors).toBeUndefined();
    const run = res.body.data?.createRun?.run;
    expect(run).toMatchObject({ state: 'PENDING', namespace: 'alice', serviceAccount: 'default-editor', name: 'Nightly hello' });
    const runId = fromGlobalId(run?.id ?? '').id;
    const [row] = await t.server.app.repositories.runs.byIds([runId]);
    const workflow = await admin.get('alice', row?.workflow_name ?? '');
    expect(workflow.metadata.labels?.[STANDALONE_RUN_LABEL]).toBe(runId);
    // KFP's API server deletes a Workflow labelled pipeline/runid whose run it does not know
    // (KFP: backend/src/apiserver/resource/resource_manager.go ReportWorkflowResource).
    expect(workflow.metadata.labels?.[KFP_RUN_LABEL]).toBeUndefined();
    expect(workflow.metadata.annotations?.[ANNOTATION_RUN_NAME]).toBe('Nightly hello');
    expect(workflow.spec.serviceAccountName).toBe('default-editor');
    expect(workflow.spec.arguments?.parameters).toEqual([expect.objectContaining({ name: 'message', value: 'hi' })]);
  });

  // KFP: backend/src/apiserver/template/v2_template.go RunWorkflow (ReplaceUID, SetAnnotationsToAllTemplatesIfKeyNotExist,
  // SetPodMetadataLabels).
  it.each(['hello_world', 'pipeline_with_after'])(
    'createRun of the KFP-compiled v2 Workflow %s: no {{workflow.uid}} left, every template opted out of Istio',
    async (fixture) => {
      const workflowSpec = readFileSync(`${UPSTREAM_FIXTURES}kfp/${fixture}.yaml`, 'utf8');
      expect(workflowSpec).toContain('{{workflow.uid}}');
      const res = await t.gql<CreateRunData>(
        CREATE_RUN,
        { input: { namespace: 'alice', experimentId: experiment.globalId, workflowSpec, name: `v2 ${fixture}` } },
        ALICE,
      );
      expect(res.body.errors).toBeUndefined();
      const runId = fromGlobalId(res.body.data?.createRun?.run.id ?? '').id;
      const [row] = await t.server.app.repositories.runs.byIds([runId]);
      const workflow = await admin.get('alice', row?.workflow_name ?? '');
      const text = JSON.stringify(workflow);
      expect(text).not.toContain('{{workflow.uid}}');
      // The v2 driver's --run_id, from which it names the MLMD run context, is the run's ID.
      const driverArgs = (workflow.spec.templates ?? []).flatMap((template) =>
        template.container?.command?.[0] === 'driver' ? [template.container.args ?? []] : [],
      );
      expect(driverArgs.length).toBeGreaterThan(0);
      for (const args of driverArgs) expect(args[args.indexOf('--run_id') + 1]).toBe(runId);
      for (const template of workflow.spec.templates ?? []) {
        expect((template.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.['sidecar.istio.io/inject']).toBe('false');
      }
      expect((workflow.spec.podMetadata as { labels?: Record<string, string> }).labels).toMatchObject({
        [STANDALONE_RUN_LABEL]: runId,
        'pipelines.kubeflow.org/v2_component': 'true',
      });
      expect(workflow.metadata.labels?.[KFP_RUN_LABEL]).toBeUndefined();
    },
  );

  it("refuses another tenant's private pipeline version as NOT_FOUND, and another namespace's experiment as BAD_USER_INPUT", async () => {
    const before = await runCount();
    const bobs = await versionOf(t.server.app.store.db, 'bob', 'train-and-evaluate');
    const res = await t.gql(CREATE_RUN, { input: { namespace: 'alice', experimentId: experiment.globalId, pipelineVersionId: bobs, name: 'steal' } }, ALICE);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(res.body.errors?.[0]?.message).toBe('pipeline version not found');
    const bobExperiment = await experimentOf(t.server.app.store.db, 'bob');
    const wrong = await t.gql(
      CREATE_RUN,
      { input: { namespace: 'alice', experimentId: bobExperiment.globalId, workflowSpec: argoFixture('hello-world'), name: 'x' } },
      ALICE,
    );
    expect(wrong.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { path: 'input.experimentId' } });
    expect(await runCount()).toBe(before);
  });

  it('a stranger may not create runs in the namespace', async () => {
    const res = await t.gql(
      CREATE_RUN,
      { input: { namespace: 'alice', experimentId: experiment.globalId, workflowSpec: argoFixture('hello-world'), name: 'x' } },
      { user: 'mallory@example.com' },
    );
    expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const viewer = await t.gql(
      CREATE_RUN,
      { input: { namespace: 'alice', experimentId: experiment.globalId, workflowSpec: argoFixture('hello-world'), name: 'x' } },
      BOB,
    );
    expect(viewer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  const escapes: readonly [string, string, string][] = [
    [
      'hostPath',
      `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\nspec:\n  entrypoint: main\n  volumes: [{name: host, hostPath: {path: /}}]\n  templates: [{name: main, container: {image: busybox}}]\n`,
      'spec.volumes[0].hostPath',
    ],
    [
      'privileged',
      `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\nspec:\n  entrypoint: main\n  templates: [{name: main, container: {image: busybox, securityContext: {privileged: true}}}]\n`,
      'spec.templates[0].container.securityContext.privileged',
    ],
    [
      'template service account',
      `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\nspec:\n  entrypoint: main\n  templates: [{name: main, serviceAccountName: cluster-admin-sa, container: {image: busybox}}]\n`,
      'spec.templates[0].serviceAccountName',
    ],
    [
      'executor service account',
      `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\nspec:\n  entrypoint: main\n  executor: {serviceAccountName: other}\n  templates: [{name: main, container: {image: busybox}}]\n`,
      'spec.executor.serviceAccountName',
    ],
    [
      'podSpecPatch',
      `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\nspec:\n  entrypoint: main\n  podSpecPatch: '{"hostNetwork": true}'\n  templates: [{name: main, container: {image: busybox}}]\n`,
      'spec.podSpecPatch',
    ],
    [
      'host network',
      `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\nspec:\n  entrypoint: main\n  hostNetwork: true\n  templates: [{name: main, container: {image: busybox}}]\n`,
      'spec.hostNetwork',
    ],
    [
      'another namespace',
      `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-, namespace: bob}\nspec:\n  entrypoint: main\n  templates: [{name: main, container: {image: busybox}}]\n`,
      'metadata.namespace',
    ],
  ];
  it.each(escapes)('admission refuses %s with BAD_USER_INPUT naming the path, leaving nothing behind', async (_label, spec, path) => {
    const before = { rows: await runCount(), workflows: (await admin.list('alice')).length + (await admin.list('bob')).length };
    const res = await t.gql(CREATE_RUN, { input: { namespace: 'alice', experimentId: experiment.globalId, workflowSpec: spec, name: 'escape' } }, ALICE);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { path } });
    expect(res.body.errors?.[0]?.message).toContain(path);
    expect(await runCount()).toBe(before.rows);
    expect((await admin.list('alice')).length + (await admin.list('bob')).length).toBe(before.workflows);
  });

  it('accepts an allowed explicit service account and refuses one off the allow-list', async () => {
    const ok = await t.gql<CreateRunData>(
      CREATE_RUN,
      {
        input: {
          namespace: 'alice',
          experimentId: experiment.globalId,
          workflowSpec: argoFixture('hello-world'),
          name: 'as runner',
          serviceAccount: 'pipeline-runner',
        },
      },
      ALICE,
    );
    expect(ok.body.data?.createRun?.run.serviceAccount).toBe('pipeline-runner');
    const bad = await t.gql(
      CREATE_RUN,
      {
        input: {
          namespace: 'alice',
          experimentId: experiment.globalId,
          workflowSpec: argoFixture('hello-world'),
          name: 'as admin',
          serviceAccount: 'kfp-graph',
        },
      },
      ALICE,
    );
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { path: 'input.serviceAccount' } });
  });

  it('atomicity: a workflow the cluster refuses (CRD schema) leaves no row', async () => {
    const before = await runCount();
    const invalid = `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\nspec:\n  entrypoint: main\n  parallelism: two\n  templates: [{name: main, container: {image: busybox}}]\n`;
    const res = await t.gql(CREATE_RUN, { input: { namespace: 'alice', experimentId: experiment.globalId, workflowSpec: invalid, name: 'refused' } }, ALICE);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toContain('spec.parallelism');
    expect(await runCount()).toBe(before);
  });

  it('atomicity: a row that cannot be written creates no workflow (the row is written first)', async () => {
    const app = t.server.app;
    const broken = openStore('sqlite::memory:');
    await broken.close();
    const service = new RunService({
      config: app.config,
      db: broken.db,
      runs: new RunRepository(broken.db),
      keys: new IdempotencyRepository(broken.db),
      experiments: app.repositories.experiments,
      pipelines: app.repositories.pipelines,
      workflows: app.workflows,
      now: Date.now,
    });
    const before = (await admin.list('alice')).length;
    await expect(
      service.create(
        { namespace: 'alice', experimentId: experiment.id, workflowSpec: argoFixture('hello-world'), name: 'orphan' },
        { user: 'alice@example.com', groups: [], source: 'header' },
      ),
    ).rejects.toThrow();
    expect((await admin.list('alice')).length).toBe(before);
  });

  it('terminate, retry, archive, unarchive and delete with Argo semantics', async () => {
    const created = await t.gql<CreateRunData>(
      CREATE_RUN,
      { input: { namespace: 'alice', experimentId: experiment.globalId, workflowSpec: argoFixture('hello-world'), name: 'lifecycle' } },
      ALICE,
    );
    const id = created.body.data?.createRun?.run.id ?? '';
    const local = fromGlobalId(id).id;
    const name = (await t.server.app.repositories.runs.byIds([local]))[0]?.workflow_name ?? '';

    const terminated = await t.gql<{ terminateRun: { run: { state: string } } }>(
      `mutation($id: ID!) { terminateRun(input: { id: $id }) { run { state } } }`,
      { id },
      ALICE,
    );
    expect(terminated.body.data?.terminateRun.run.state).toBe('CANCELING');
    expect((await admin.get('alice', name)).spec.shutdown).toBe('Terminate');
    // bob only views alice's namespace: FORBIDDEN; a stranger: NOT_FOUND.
    expect((await t.gql(`mutation($id: ID!) { retryRun(input: { id: $id }) { run { state } } }`, { id }, BOB)).body.errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect(
      (await t.gql(`mutation($id: ID!) { deleteRun(input: { id: $id }) { run { id } } }`, { id }, { user: 'mallory@example.com' })).body.errors?.[0]?.extensions
        ?.code,
    ).toBe('NOT_FOUND');

    // Argo ends it Failed; a retry resets the failed pod node and clears the shutdown.
    await admin.patch('alice', name, {
      status: {
        phase: 'Failed',
        finishedAt: '2026-01-01T00:00:10Z',
        nodes: { [name]: { id: name, name, type: 'Pod', phase: 'Failed', templateName: 'hello-world', startedAt: '2026-01-01T00:00:00Z' } },
      },
    });
    const retried = await t.gql<{ retryRun: { run: { state: string } } }>(
      `mutation($id: ID!) { retryRun(input: { id: $id }) { run { state } } }`,
      { id },
      ALICE,
    );
    expect(retried.body.errors).toBeUndefined();
    expect(retried.body.data?.retryRun.run.state).toBe('RUNNING');
    const live = await admin.get('alice', name);
    expect(live.spec.shutdown).toBeUndefined();
    expect(live.status?.phase).toBe('Running');
    expect(Object.keys(live.status?.nodes ?? {})).toEqual([]);

    expect(
      (
        await t.gql<{ archiveRun: { run: { storageState: string } } }>(
          `mutation($id: ID!) { archiveRun(input: { id: $id }) { run { storageState } } }`,
          { id },
          ALICE,
        )
      ).body.data?.archiveRun.run.storageState,
    ).toBe('ARCHIVED');
    expect(
      (
        await t.gql<{ unarchiveRun: { run: { storageState: string } } }>(
          `mutation($id: ID!) { unarchiveRun(input: { id: $id }) { run { storageState } } }`,
          { id },
          ALICE,
        )
      ).body.data?.unarchiveRun.run.storageState,
    ).toBe('AVAILABLE');
    const deleted = await t.gql(`mutation($id: ID!) { deleteRun(input: { id: $id }) { run { id } } }`, { id }, ALICE);
    expect(deleted.body.errors).toBeUndefined();
    expect(await t.server.app.repositories.runs.byIds([local])).toEqual([]);
    expect((await admin.list('alice')).some((w) => w.metadata.name === name)).toBe(false);
  });
});
