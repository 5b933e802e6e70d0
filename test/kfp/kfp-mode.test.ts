import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/ids/global-id.js';
import { MetadataWriter } from '../../src/mlmd/metadata-writer.js';
import { executionsOf } from '../../bench/support/dashboard-seed.js';
import { adminWorkflows } from '../runs/run-helpers.js';
import { startKfpApiTestServer, type KfpApiTestServer } from '../support/kfp-api-test-server.js';
import { createKfpTestDatabase, KFP_DIALECTS, type KfpTestDatabase } from '../support/kfp-mlpipeline.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { UPSTREAM_FIXTURES } from '../support/upstream-fixtures.js';

const IR = readFileSync(`${UPSTREAM_FIXTURES}kfp-ir/two_step_pipeline.yaml`, 'utf8');
const ARGO = readFileSync(`${UPSTREAM_FIXTURES}kfp/hello_world.yaml`, 'utf8');
const ALICE = { user: 'alice@example.com' };
const BOB = { user: 'bob@example.com' };
/** A stranger to bob's namespace (owner of ml-research, nothing in bob). */
const CAROL = { user: 'carol@example.com' };
const T = 1_750_000_000;
const iso = (sec: number) => new Date(sec * 1000).toISOString();

interface Seeded {
  readonly aliceExp: string;
  readonly legacyExp: string;
  readonly aliceRun: string;
  readonly legacyRun: string;
  readonly alicePipeline: string;
  readonly aliceVersion: string;
  readonly sharedPipeline: string;
  readonly sharedIrVersion: string;
  readonly bobExp: string;
  readonly bobRun: string;
  readonly bobPipeline: string;
  readonly bobVersion: string;
  readonly bobJob: string;
  readonly aliceJob: string;
}

async function seed(kfp: KfpTestDatabase): Promise<Seeded> {
  const w = kfp.writer;
  const aliceExp = await w.experiment({ namespace: 'alice', name: 'baseline', createdAtSec: T });
  const legacyExp = await w.experiment({ namespace: 'alice', name: 'v1-era', createdAtSec: T - 100, legacy: true });
  const alicePipeline = await w.pipeline({ namespace: 'alice', name: 'alice-argo', createdAtSec: T });
  const aliceVersion = await w.version({ pipelineId: alicePipeline, name: 'v1', spec: ARGO, createdAtSec: T });
  const sharedPipeline = await w.pipeline({ namespace: '-', name: 'shared-two-step', createdAtSec: T });
  const sharedIrVersion = await w.version({ pipelineId: sharedPipeline, name: 'v1', spec: IR, createdAtSec: T });
  const aliceRun = await w.run({
    namespace: 'alice',
    experimentId: aliceExp,
    name: 'ok',
    createdAtSec: T + 10,
    state: 'SUCCEEDED',
    finishedAtSec: T + 70,
    pipelineId: sharedPipeline,
    pipelineVersionId: sharedIrVersion,
    parameters: { text: 'hi' },
  });
  const legacyRun = await w.run({
    namespace: 'alice',
    experimentId: legacyExp,
    name: 'v1-failed',
    createdAtSec: T - 50,
    legacy: true,
    conditions: 'Error',
    finishedAtSec: T - 20,
  });
  const aliceJob = await w.job({
    namespace: 'alice',
    experimentId: aliceExp,
    name: 'nightly',
    createdAtSec: T,
    pipelineId: alicePipeline,
    pipelineVersionId: null,
    cron: '0 0 2 * * *',
  });
  const bobExp = await w.experiment({ namespace: 'bob', name: 'secret-project', createdAtSec: T });
  const bobPipeline = await w.pipeline({ namespace: 'bob', name: 'bob-private', createdAtSec: T });
  const bobVersion = await w.version({ pipelineId: bobPipeline, name: 'v1', spec: ARGO, createdAtSec: T });
  const bobRun = await w.run({
    namespace: 'bob',
    experimentId: bobExp,
    name: 'bobs',
    createdAtSec: T,
    state: 'RUNNING',
    pipelineId: bobPipeline,
    pipelineVersionId: bobVersion,
  });
  const bobJob = await w.job({
    namespace: 'bob',
    experimentId: bobExp,
    name: 'bobs-job',
    createdAtSec: T,
    pipelineId: bobPipeline,
    pipelineVersionId: bobVersion,
    intervalSeconds: 60,
  });
  return {
    aliceExp,
    legacyExp,
    aliceRun,
    legacyRun,
    alicePipeline,
    aliceVersion,
    sharedPipeline,
    sharedIrVersion,
    bobExp,
    bobRun,
    bobPipeline,
    bobVersion,
    bobJob,
    aliceJob,
  };
}

const code = (res: { body: { errors?: readonly { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;

describe.each(KFP_DIALECTS)('KFP_MODE=kfp over a %s mlpipeline', (dialect) => {
  let kfp: KfpTestDatabase;
  let api: KfpApiTestServer;
  let t: TestServer;
  let s: Seeded;

  beforeAll(async () => {
    kfp = await createKfpTestDatabase(dialect);
    s = await seed(kfp);
    api = await startKfpApiTestServer(kfp.writer);
    t = await startTestServer({ demoData: false, env: { KFP_MODE: 'kfp', KFP_DATABASE_URL: kfp.url, KFP_API_URL: api.url, KFP_API_TIMEOUT_MS: '1000' } });
  });
  afterAll(async () => {
    await t?.close();
    await api?.close();
    await kfp?.close();
  });

  it("shows each tenant exactly its own KFP objects, with KFP's states and times, legacy rows included", async () => {
    const res = await t.gql<{
      namespace: {
        experiments: { nodes: { name: string; storageState: string }[] };
        runs: { nodes: { id: string; name: string; state: string; createdAt: string; finishedAt: string | null }[] };
        recurringRuns: { nodes: { name: string; trigger: { cron: string } }[] };
        pipelines: { nodes: { name: string }[] };
      };
    }>(
      `{ namespace(name: "alice") {
          experiments { nodes { name storageState } }
          runs { nodes { id name state createdAt finishedAt } }
          recurringRuns { nodes { name trigger { cron } } }
          pipelines { nodes { name } } } }`,
      {},
      ALICE,
    );
    expect(res.body.errors).toBeUndefined();
    const ns = res.body.data?.namespace;
    expect(ns?.experiments.nodes).toEqual([
      { name: 'baseline', storageState: 'AVAILABLE' },
      { name: 'v1-era', storageState: 'AVAILABLE' },
    ]);
    expect(ns?.runs.nodes).toEqual([
      { id: toGlobalId('Run', s.aliceRun), name: 'ok', state: 'SUCCEEDED', createdAt: iso(T + 10), finishedAt: iso(T + 70) },
      { id: toGlobalId('Run', s.legacyRun), name: 'v1-failed', state: 'FAILED', createdAt: iso(T - 50), finishedAt: iso(T - 20) },
    ]);
    expect(ns?.recurringRuns.nodes).toEqual([{ name: 'nightly', trigger: { cron: '0 0 2 * * *' } }]);
    expect(ns?.pipelines.nodes.map((p) => p.name)).toEqual(['alice-argo']);
  });

  it('shows an IR version of a shared pipeline with its parameters, and a job without a version runs the latest', async () => {
    const res = await t.gql<{
      pipelineVersion: { specKind: string; namespace: string | null; parameters: unknown[] };
      recurringRun: { pipelineVersion: { id: string } };
    }>(
      `query($v: ID!, $j: ID!) { pipelineVersion(id: $v) { specKind namespace parameters { name type defaultValue optional } } recurringRun(id: $j) { pipelineVersion { id } } }`,
      { v: toGlobalId('PipelineVersion', s.sharedIrVersion), j: toGlobalId('RecurringRun', s.aliceJob) },
      ALICE,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.pipelineVersion).toEqual({
      specKind: 'IR',
      namespace: null,
      parameters: [{ name: 'text', type: 'STRING', defaultValue: 'Hello KFP!', optional: true }],
    });
    expect(res.body.data?.recurringRun.pipelineVersion.id).toBe(toGlobalId('PipelineVersion', s.aliceVersion));
  });

  // The demo tenants' roles (src/demo/tenants.ts): alice owns alice (bob views it), bob owns bob, carol and dave
  // have nothing in either, eve is nobody.
  const MATRIX: readonly (readonly [string, 'alice' | 'bob', boolean])[] = [
    ['alice@example.com', 'alice', true],
    ['alice@example.com', 'bob', false],
    ['bob@example.com', 'alice', true],
    ['bob@example.com', 'bob', true],
    ['carol@example.com', 'alice', false],
    ['carol@example.com', 'bob', false],
    ['dave@example.com', 'alice', false],
    ['dave@example.com', 'bob', false],
    ['eve@example.com', 'alice', false],
    ['eve@example.com', 'bob', false],
  ];
  it.each(MATRIX)('tenant matrix: %s reading the KFP objects of %s → visible: %s', async (user, namespace, visible) => {
    const ids =
      namespace === 'alice'
        ? [
            toGlobalId('Experiment', s.aliceExp),
            toGlobalId('Experiment', s.legacyExp),
            toGlobalId('Run', s.aliceRun),
            toGlobalId('Run', s.legacyRun),
            toGlobalId('Pipeline', s.alicePipeline),
            toGlobalId('PipelineVersion', s.aliceVersion),
            toGlobalId('RecurringRun', s.aliceJob),
          ]
        : [
            toGlobalId('Experiment', s.bobExp),
            toGlobalId('Run', s.bobRun),
            toGlobalId('Pipeline', s.bobPipeline),
            toGlobalId('PipelineVersion', s.bobVersion),
            toGlobalId('RecurringRun', s.bobJob),
          ];
    const res = await t.gql<{ nodes: ({ id: string } | null)[] }>(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids }, { user });
    expect(res.body.data?.nodes.map((n) => n?.id ?? null)).toEqual(visible ? ids : ids.map(() => null));
    const listed = await t.gql<{ namespace: { runs: { nodes: { id: string }[] } } | null }>(
      `query($ns: String!) { namespace(name: $ns) { runs { nodes { id } } } }`,
      { ns: namespace },
      { user },
    );
    if (visible) expect(listed.body.data?.namespace?.runs.nodes.length).toBeGreaterThan(0);
    else expect(code(listed)).toBe('NOT_FOUND');
  });

  it("lets a stranger learn nothing of another tenant's KFP objects through any root field", async () => {
    const bobIds = [
      toGlobalId('Experiment', s.bobExp),
      toGlobalId('Run', s.bobRun),
      toGlobalId('Pipeline', s.bobPipeline),
      toGlobalId('PipelineVersion', s.bobVersion),
      toGlobalId('RecurringRun', s.bobJob),
    ];
    const nodes = await t.gql<{ nodes: (unknown | null)[] }>(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: bobIds }, CAROL);
    expect(nodes.body.data?.nodes).toEqual([null, null, null, null, null]);
    for (const [field, id] of [
      ['experiment', bobIds[0]],
      ['run', bobIds[1]],
      ['pipeline', bobIds[2]],
      ['pipelineVersion', bobIds[3]],
      ['recurringRun', bobIds[4]],
      ['node', bobIds[1]],
    ] as const) {
      const res = await t.gql<Record<string, unknown>>(`query($id: ID!) { ${field}(id: $id) { id } }`, { id }, CAROL);
      expect(res.body.data?.[field] ?? null, field).toBeNull();
      expect(JSON.stringify(res.body)).not.toMatch(/secret-project|bob-private|bobs/);
    }
    expect(code(await t.gql(`{ namespace(name: "bob") { name } }`, {}, CAROL))).toBe('NOT_FOUND');
    const pipelines = await t.gql<{ pipelines: { nodes: { name: string }[] } }>(`{ pipelines { nodes { name } } }`, {}, CAROL);
    expect(pipelines.body.data?.pipelines.nodes.map((p) => p.name)).toEqual(['shared-two-step']);
    const namespaces = await t.gql<{ namespaces: { nodes: { name: string }[] } }>(`{ namespaces { nodes { name } } }`, {}, CAROL);
    expect(namespaces.body.data?.namespaces.nodes.map((n) => n.name)).not.toContain('bob');
    // The owner sees them.
    const own = await t.gql<{ nodes: ({ id: string } | null)[] }>(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: bobIds }, BOB);
    expect(own.body.data?.nodes.map((n) => n?.id)).toEqual(bobIds);
  });

  it('reads Run.workflow live from the Workflow KFP named in run_details.Name, else from WorkflowRuntimeManifest', async () => {
    const live = await kfp.writer.run({ namespace: 'alice', experimentId: s.aliceExp, name: 'live', createdAtSec: T + 200, state: 'RUNNING' });
    const liveName = `live-${live.slice(0, 5)}`;
    await adminWorkflows(t.emulator).create('alice', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: liveName, labels: { 'pipeline/runid': live } },
      spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
      status: { phase: 'Running', progress: '0/1' },
    });
    const gone = await kfp.writer.run({
      namespace: 'alice',
      experimentId: s.aliceExp,
      name: 'collected',
      createdAtSec: T + 201,
      state: 'SUCCEEDED',
      finishedAtSec: T + 260,
      workflowManifest: JSON.stringify({ metadata: { name: 'collected-x' }, status: { phase: 'Succeeded', progress: '1/1' } }),
    });
    const res = await t.gql<{ nodes: { workflow: { phase: string; progress: string | null } | null }[] }>(
      `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Run { workflow { phase progress } } } }`,
      { ids: [toGlobalId('Run', live), toGlobalId('Run', gone)] },
      ALICE,
    );
    expect(res.body.data?.nodes.map((n) => n.workflow)).toEqual([
      { phase: 'Running', progress: '0/1' },
      { phase: 'Succeeded', progress: '1/1' },
    ]);
  });

  it("keeps a KFP run's metadata (its system.PipelineRun context is named after the run UUID) from strangers", async () => {
    const writer = new MetadataWriter(t.server.app.store.db, t.server.app.store.dialect);
    await writer.recordRun({ runId: s.bobRun, namespace: 'bob', pipelineName: 'bob-private', executions: executionsOf(s.bobRun, 'bob', T * 1000) }, T * 1000);
    const own = await t.gql<{ run: { executions: { id: string }[]; artifacts: { id: string }[] } }>(
      `query($id: ID!) { run(id: $id) { executions { id } artifacts { id } } }`,
      { id: toGlobalId('Run', s.bobRun) },
      BOB,
    );
    const ids = [...(own.body.data?.run.executions ?? []), ...(own.body.data?.run.artifacts ?? [])].map((n) => n.id);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    const stranger = await t.gql<{ nodes: unknown[] }>(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids }, CAROL);
    expect(stranger.body.data?.nodes.every((n) => n === null)).toBe(true);
    const listed = await t.gql<{ namespace: unknown }>(`{ namespace(name: "bob") { artifacts { nodes { id } } } }`, {}, CAROL);
    expect(listed.body.data?.namespace ?? null).toBeNull();
    const lineage = await t.gql(`query($id: ID!) { lineage(of: $id) { artifacts { uri } executions { name } } }`, { id: ids[0] }, CAROL);
    expect(JSON.stringify(lineage.body)).not.toMatch(/bob|prepare|train/);
  });

  it("writes go to KFP's REST API with the caller's identity, fit KFP's OpenAPI document, and are read back", async () => {
    const before = api.requests.length;
    const created = await t.gql<{ createExperiment: { experiment: { id: string; name: string; namespace: string } } }>(
      `mutation { createExperiment(input: { namespace: "alice", name: "from-graphql", description: "made here" }) { experiment { id name namespace } } }`,
      {},
      ALICE,
    );
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data?.createExperiment.experiment).toMatchObject({ name: 'from-graphql', namespace: 'alice' });
    const request = api.requests[before];
    expect(request).toMatchObject({
      method: 'POST',
      path: '/apis/v2beta1/experiments',
      operationId: 'ExperimentService_CreateExperiment',
      user: 'alice@example.com',
      authorization: null,
      body: { display_name: 'from-graphql', description: 'made here', namespace: 'alice' },
    });
    const experimentId = created.body.data?.createExperiment.experiment.id ?? '';

    const pipeline = await t.gql<{ createPipeline: { pipeline: { id: string }; pipelineVersion: { id: string; specKind: string } } }>(
      `mutation($spec: String!) { createPipeline(input: { namespace: "alice", name: "uploaded-ir", version: { name: "v1", spec: $spec } }) { pipeline { id } pipelineVersion { id specKind } } }`,
      { spec: IR },
      ALICE,
    );
    expect(pipeline.body.errors).toBeUndefined();
    expect(pipeline.body.data?.createPipeline.pipelineVersion.specKind).toBe('IR');
    expect(api.requests.some((r) => r.operationId === 'UploadPipelineVersion' && (r.body as { uploadfile: string }).uploadfile === IR)).toBe(true);
    const versionId = pipeline.body.data?.createPipeline.pipelineVersion.id ?? '';

    const badParams = await t.gql(
      `mutation($input: CreateRunInput!) { createRun(input: $input) { run { id } } }`,
      { input: { namespace: 'alice', experimentId, pipelineVersionId: versionId, name: 'r', parameters: { nope: 1 } } },
      ALICE,
    );
    expect(code(badParams)).toBe('BAD_USER_INPUT');

    const run = await t.gql<{ createRun: { run: { id: string; state: string; parameters: unknown; pipelineVersion: { id: string } } } }>(
      `mutation($input: CreateRunInput!) { createRun(input: $input) { run { id state parameters pipelineVersion { id } } } }`,
      { input: { namespace: 'alice', experimentId, pipelineVersionId: versionId, name: 'first ir run', parameters: { text: 'typed' } } },
      ALICE,
    );
    expect(run.body.errors).toBeUndefined();
    expect(run.body.data?.createRun.run).toMatchObject({ state: 'PENDING', parameters: { text: 'typed' }, pipelineVersion: { id: versionId } });
    const runId = run.body.data?.createRun.run.id ?? '';
    const terminated = await t.gql<{ terminateRun: { run: { state: string } } }>(
      `mutation($id: ID!) { terminateRun(input: { id: $id }) { run { state } } }`,
      { id: runId },
      ALICE,
    );
    expect(terminated.body.data?.terminateRun.run.state).toBe('CANCELING');

    const recurring = await t.gql<{ createRecurringRun: { recurringRun: { id: string; enabled: boolean; trigger: { cron: string } } } }>(
      `mutation($input: CreateRecurringRunInput!) { createRecurringRun(input: $input) { recurringRun { id enabled trigger { cron } } } }`,
      { input: { namespace: 'alice', experimentId, pipelineVersionId: versionId, name: 'every five', cron: '*/5 * * * *', parameters: { text: 'x' } } },
      ALICE,
    );
    expect(recurring.body.errors).toBeUndefined();
    expect(recurring.body.data?.createRecurringRun.recurringRun).toMatchObject({ enabled: true, trigger: { cron: '0 */5 * * * *' } });
    const disabled = await t.gql<{ disableRecurringRun: { recurringRun: { enabled: boolean } } }>(
      `mutation($id: ID!) { disableRecurringRun(input: { id: $id }) { recurringRun { enabled } } }`,
      { id: recurring.body.data?.createRecurringRun.recurringRun.id },
      ALICE,
    );
    expect(disabled.body.data?.disableRecurringRun.recurringRun.enabled).toBe(false);

    const archived = await t.gql<{ archiveExperiment: { experiment: { storageState: string } } }>(
      `mutation($id: ID!) { archiveExperiment(input: { id: $id }) { experiment { storageState } } }`,
      { id: experimentId },
      ALICE,
    );
    expect(archived.body.data?.archiveExperiment.experiment.storageState).toBe('ARCHIVED');
    const deleted = await t.gql(`mutation($id: ID!) { deleteRun(input: { id: $id }) { run { id } } }`, { id: runId }, ALICE);
    expect(deleted.body.errors).toBeUndefined();
    expect((await t.gql<{ run: unknown }>(`query($id: ID!) { run(id: $id) { id } }`, { id: runId }, ALICE)).body.data?.run).toBeNull();

    expect(api.violations).toEqual([]);
    expect(api.requests.slice(before).every((r) => r.user === 'alice@example.com')).toBe(true);
  });

  it("forwards the caller's own bearer token, never kfp-graph's", async () => {
    const token = t.emulator.issueToken('alice', 'default-editor', ['pipelines.kubeflow.org']);
    const before = api.requests.length;
    const res = await t.gql(
      `mutation { createExperiment(input: { namespace: "alice", name: "by-token" }) { experiment { id } } }`,
      {},
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(res.body.errors).toBeUndefined();
    expect(api.requests[before]).toMatchObject({ authorization: `Bearer ${token}`, user: null });
  });

  it('authorizes first: a stranger is refused by kfp-graph and nothing reaches KFP', async () => {
    const before = api.requests.length;
    const res = await t.gql(`mutation { createExperiment(input: { namespace: "bob", name: "intrusion" }) { experiment { id } } }`, {}, CAROL);
    expect(code(res)).toBe('NOT_FOUND');
    const run = await t.gql(`mutation($id: ID!) { terminateRun(input: { id: $id }) { run { id } } }`, { id: toGlobalId('Run', s.bobRun) }, CAROL);
    expect(code(run)).toBe('NOT_FOUND');
    expect(api.requests.length).toBe(before);
  });

  it("maps KFP's answers: 403 FORBIDDEN, 404 NOT_FOUND, 400 BAD_USER_INPUT with KFP's message, 5xx and timeouts UNAVAILABLE", async () => {
    const create = (name: string) => t.gql(`mutation { createExperiment(input: { namespace: "alice", name: "${name}" }) { experiment { id } } }`, {}, ALICE);
    api.failNext(403, 'PermissionDenied: user alice is not allowed');
    expect(code(await create('e403'))).toBe('FORBIDDEN');
    api.failNext(404, 'Namespace not found');
    expect(code(await create('e404'))).toBe('NOT_FOUND');
    api.failNext(400, 'Invalid input error: experiment name too long');
    const bad = await create('e400');
    expect(code(bad)).toBe('BAD_USER_INPUT');
    expect(bad.body.errors?.[0]?.message).toMatch(/experiment name too long/);
    api.failNext(500, 'internal');
    expect(code(await create('e500'))).toBe('UNAVAILABLE');
    api.delayMs = 1500;
    try {
      expect(code(await create('slow'))).toBe('UNAVAILABLE');
    } finally {
      api.delayMs = 0;
    }
  });
});
