import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recurringRun } from '../store/store-fixtures.js';
import { toGlobalId } from '../../src/ids/global-id.js';
import { startTestServer, type GraphqlResponse, type TestServer } from '../support/test-server.js';

/**
 * Issue 2, "Bad input", over HTTP against the real server (SQLite, demo data, MAX_SPEC_BYTES=2048): each bad
 * request answers with a clear code and message and changes nothing; plus a happy path through every SQL-only
 * mutation and every query root field.
 */
const ALICE = { user: 'alice@example.com' };
const DIAMOND = readFileSync(new URL('../fixtures/upstream/argo/dag-diamond.yaml', import.meta.url), 'utf8');

type Res = GraphqlResponse<Record<string, unknown>>;
const codeOf = (res: Res) => res.body.errors?.[0]?.extensions?.code;
const messageOf = (res: Res) => res.body.errors?.[0]?.message ?? '';

describe('bad input over HTTP', () => {
  let t: TestServer;
  let experimentId: string;
  let runId: string;

  beforeAll(async () => {
    t = await startTestServer({ env: { MAX_SPEC_BYTES: '2048' } });
    const res = await t.gql<{ namespace: { experiments: { nodes: { id: string }[] }; runs: { nodes: { id: string }[] } } }>(
      '{ namespace(name: "alice") { experiments(first: 1) { nodes { id } } runs(first: 1) { nodes { id } } } }',
      {},
      ALICE,
    );
    experimentId = res.body.data?.namespace.experiments.nodes[0]?.id as string;
    runId = res.body.data?.namespace.runs.nodes[0]?.id as string;
    expect(experimentId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(runId).toMatch(/^[A-Za-z0-9_-]+$/);
  });
  afterAll(async () => t?.close());

  async function count(table: 'experiments' | 'pipelines' | 'pipeline_versions'): Promise<number> {
    const row = await t.server.app.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  describe('malformed IDs', () => {
    const RUN = 'query($id: ID!) { run(id: $id) { name } }';
    it('refuses an ID that is not base64', async () => {
      const res = await t.gql(RUN, { id: 'not base64!!' }, ALICE);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(messageOf(res)).toMatch(/id: "not base64!!" is not an ID this API issued/);
    });
    it('refuses an ID with an unknown type prefix', async () => {
      const res = await t.gql(RUN, { id: Buffer.from('Bogus:123').toString('base64url') }, ALICE);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(messageOf(res)).toMatch(/not an ID this API issued/);
    });
    it('refuses an ID without a local part', async () => {
      const res = await t.gql(RUN, { id: Buffer.from('Run:').toString('base64url') }, ALICE);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
    });
    it('refuses run(id:) given an Experiment ID, naming both types', async () => {
      const res = await t.gql(RUN, { id: experimentId }, ALICE);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(messageOf(res)).toMatch(/expected the ID of a Run, got a Experiment/);
    });
    it('refuses malformed IDs in node(id:) and in mutation inputs', async () => {
      expect(codeOf(await t.gql('{ node(id: "%%%") { id } }', {}, ALICE))).toBe('BAD_USER_INPUT');
      const res = await t.gql('mutation($id: ID!) { archiveExperiment(input: { id: $id }) { experiment { id } } }', { id: runId }, ALICE);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(messageOf(res)).toMatch(/Experiment/);
    });
    it('answers NOT_FOUND for a well-formed ID of nothing', async () => {
      const res = await t.gql(RUN, { id: toGlobalId('Run', '00000000-0000-0000-0000-000000000000') }, ALICE);
      expect(codeOf(res)).toBe('NOT_FOUND');
    });
  });

  describe('namespaces and connection arguments', () => {
    it('answers NOT_FOUND for an unknown namespace', async () => {
      const res = await t.gql('{ namespace(name: "no-such-namespace") { name } }', {}, ALICE);
      expect(codeOf(res)).toBe('NOT_FOUND');
      expect(messageOf(res)).toMatch(/no-such-namespace/);
      expect(codeOf(await t.gql('{ pipelines(namespace: "no-such-namespace") { nodes { id } } }', {}, ALICE))).toBe('NOT_FOUND');
    });
    it('refuses first: 201 naming `first`', async () => {
      const res = await t.gql('{ namespace(name: "alice") { runs(first: 201) { nodes { id } } } }', {}, ALICE);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(messageOf(res)).toMatch(/first must be between 1 and 200, got 201/);
      const last = await t.gql('{ namespaces(last: 0) { nodes { name } } }', {}, ALICE);
      expect(codeOf(last)).toBe('BAD_USER_INPUT');
      expect(messageOf(last)).toMatch(/^last/);
    });
    it('refuses a forged `after` cursor', async () => {
      const forged = Buffer.from(JSON.stringify(['x', 'y', 'z'])).toString('base64url');
      for (const after of ['!!!', forged]) {
        const res = await t.gql('query($after: String) { namespace(name: "alice") { runs(first: 2, after: $after) { nodes { id } } } }', { after }, ALICE);
        expect(codeOf(res)).toBe('BAD_USER_INPUT');
        expect(messageOf(res)).toMatch(/after: not a cursor this API issued/);
      }
    });
    it('refuses a cursor of another ordering', async () => {
      const page = await t.gql<{ namespace: { runs: { pageInfo: { endCursor: string } } } }>(
        '{ namespace(name: "alice") { runs(first: 2) { pageInfo { endCursor } } } }',
        {},
        ALICE,
      );
      const cursor = page.body.data?.namespace.runs.pageInfo.endCursor;
      const res = await t.gql(
        'query($c: String) { namespace(name: "alice") { runs(first: 2, after: $c, orderBy: NAME_ASC) { nodes { id } } } }',
        { c: cursor },
        ALICE,
      );
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
    });
    it('refuses first and last together', async () => {
      const res = await t.gql('{ namespace(name: "alice") { experiments(first: 2, last: 2) { nodes { id } } } }', {}, ALICE);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(messageOf(res)).toMatch(/either first\/after or last\/before/);
    });
  });

  describe('createPipeline with a bad spec writes nothing', () => {
    const CREATE =
      'mutation($spec: String!) { createPipeline(input: { namespace: "alice", name: "bad-spec", version: { name: "v1", spec: $spec } }) { pipeline { id } } }';
    const cases: readonly [string, string][] = [
      ['not YAML or JSON', 'kind: Workflow\n  spec: [unclosed'],
      ['a YAML list', '- apiVersion: argoproj.io/v1alpha1\n- kind: Workflow\n'],
      ['a JSON string', '"just a string"'],
      ['another kind', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'],
      ['larger than MAX_SPEC_BYTES', `${DIAMOND}\n# ${'x'.repeat(2048)}\n`],
    ];
    for (const [what, spec] of cases) {
      it(`refuses ${what} with BAD_USER_INPUT naming input.version.spec`, async () => {
        const before = [await count('pipelines'), await count('pipeline_versions')];
        const res = await t.gql(CREATE, { spec }, ALICE);
        expect(codeOf(res)).toBe('BAD_USER_INPUT');
        const details = JSON.stringify(res.body.errors?.[0]?.extensions ?? {}) + messageOf(res);
        expect(details).toMatch(/input\.version\.spec/);
        expect([await count('pipelines'), await count('pipeline_versions')]).toEqual(before);
        const row = await t.server.app.store.db.selectFrom('pipelines').select('id').where('name', '=', 'bad-spec').executeTakeFirst();
        expect(row).toBeUndefined();
      });
    }
  });

  describe('experiments', () => {
    const CREATE = 'mutation($name: String!) { createExperiment(input: { namespace: "alice", name: $name }) { experiment { id name } } }';
    it('refuses a duplicate name with CONFLICT and changes nothing', async () => {
      const before = await count('experiments');
      const res = await t.gql(CREATE, { name: 'baseline' }, ALICE);
      expect(codeOf(res)).toBe('CONFLICT');
      expect(messageOf(res)).toMatch(/"baseline" already exists in namespace alice/);
      expect(await count('experiments')).toBe(before);
    });
    it('refuses an empty name with BAD_USER_INPUT', async () => {
      const before = await count('experiments');
      for (const name of ['', '   ']) {
        const res = await t.gql(CREATE, { name }, ALICE);
        expect(codeOf(res)).toBe('BAD_USER_INPUT');
        expect(messageOf(res)).toMatch(/input\.name must not be empty/);
      }
      expect(await count('experiments')).toBe(before);
    });
    it('refuses deleting an experiment that has runs with CONFLICT', async () => {
      const res = await t.gql('mutation($id: ID!) { deleteExperiment(input: { id: $id }) { experiment { id } } }', { id: experimentId }, ALICE);
      expect(codeOf(res)).toBe('CONFLICT');
      expect((await t.gql('query($id: ID!) { experiment(id: $id) { id } }', { id: experimentId }, ALICE)).body.data).toEqual({
        experiment: { id: experimentId },
      });
    });
  });
});

describe('happy paths over HTTP', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  async function ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await t.gql<T>(query, variables, ALICE);
    expect(res.body.errors, query).toBeUndefined();
    return res.body.data as T;
  }

  it('creates, updates, archives, unarchives and deletes an experiment', async () => {
    const created = await ok<{ createExperiment: { experiment: { id: string; name: string; namespace: string; storageState: string } } }>(
      'mutation { createExperiment(input: { namespace: "alice", name: "happy", description: "d" }) { experiment { id name namespace storageState } } }',
    );
    const { id } = created.createExperiment.experiment;
    expect(created.createExperiment.experiment).toMatchObject({ name: 'happy', namespace: 'alice', storageState: 'AVAILABLE' });
    const updated = await ok<{ updateExperiment: { experiment: { name: string; description: string } } }>(
      'mutation($id: ID!) { updateExperiment(input: { id: $id, name: "happier", description: "dd" }) { experiment { name description } } }',
      { id },
    );
    expect(updated.updateExperiment.experiment).toEqual({ name: 'happier', description: 'dd' });
    const archived = await ok<{ archiveExperiment: { experiment: { storageState: string } } }>(
      'mutation($id: ID!) { archiveExperiment(input: { id: $id }) { experiment { storageState } } }',
      { id },
    );
    expect(archived.archiveExperiment.experiment.storageState).toBe('ARCHIVED');
    const unarchived = await ok<{ unarchiveExperiment: { experiment: { storageState: string } } }>(
      'mutation($id: ID!) { unarchiveExperiment(input: { id: $id }) { experiment { storageState } } }',
      { id },
    );
    expect(unarchived.unarchiveExperiment.experiment.storageState).toBe('AVAILABLE');
    await ok('mutation($id: ID!) { deleteExperiment(input: { id: $id }) { experiment { id } } }', { id });
    expect(codeOf(await t.gql('query($id: ID!) { experiment(id: $id) { id } }', { id }, ALICE))).toBe('NOT_FOUND');
  });

  it('creates a namespaced pipeline with a version, adds a version, updates and deletes them', async () => {
    const created = await ok<{
      createPipeline: { pipeline: { id: string; name: string; namespace: string; shared: boolean; latestVersion: { id: string; name: string } } };
    }>(
      'mutation($spec: String!) { createPipeline(input: { namespace: "alice", name: "diamond", version: { name: "v1", spec: $spec } }) { pipeline { id name namespace shared latestVersion { id name } } } }',
      { spec: DIAMOND },
    );
    const pipeline = created.createPipeline.pipeline;
    expect(pipeline).toMatchObject({ name: 'diamond', namespace: 'alice', shared: false, latestVersion: { name: 'v1' } });
    const v2 = await ok<{ createPipelineVersion: { pipelineVersion: { id: string; name: string; parameters: unknown[]; spec: { kind: string } } } }>(
      'mutation($p: ID!, $spec: String!) { createPipelineVersion(input: { pipelineId: $p, name: "v2", spec: $spec }) { pipelineVersion { id name parameters { name } spec } } }',
      {
        p: pipeline.id,
        spec: JSON.stringify({
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Workflow',
          metadata: { generateName: 'x-' },
          spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
        }),
      },
    );
    expect(v2.createPipelineVersion.pipelineVersion).toMatchObject({ name: 'v2', spec: { kind: 'Workflow' } });
    const renamed = await ok<{ updatePipeline: { pipeline: { name: string; description: string } } }>(
      'mutation($id: ID!) { updatePipeline(input: { id: $id, name: "diamond-2", description: "four tasks" }) { pipeline { name description } } }',
      { id: pipeline.id },
    );
    expect(renamed.updatePipeline.pipeline).toEqual({ name: 'diamond-2', description: 'four tasks' });
    const versionRenamed = await ok<{ updatePipelineVersion: { pipelineVersion: { name: string } } }>(
      'mutation($id: ID!) { updatePipelineVersion(input: { id: $id, name: "v2-final" }) { pipelineVersion { name } } }',
      { id: v2.createPipelineVersion.pipelineVersion.id },
    );
    expect(versionRenamed.updatePipelineVersion.pipelineVersion.name).toBe('v2-final');
    await ok('mutation($id: ID!) { deletePipelineVersion(input: { id: $id }) { pipelineVersion { id } } }', {
      id: v2.createPipelineVersion.pipelineVersion.id,
    });
    await ok('mutation($id: ID!) { deletePipeline(input: { id: $id }) { pipeline { id } } }', { id: pipeline.id });
    expect(codeOf(await t.gql('query($id: ID!) { pipeline(id: $id) { id } }', { id: pipeline.id }, ALICE))).toBe('NOT_FOUND');
    const rows = await t.server.app.store.db
      .selectFrom('pipeline_versions')
      .select('id')
      .where('pipeline_id', '=', Buffer.from(pipeline.id, 'base64url').toString().split(':')[1] as string)
      .execute();
    expect(rows).toEqual([]);
  });

  it('answers every query root field', async () => {
    const viewer = await ok<{ viewer: { user: string; groups: string[] } }>('{ viewer { user groups } }');
    expect(viewer.viewer).toEqual({ user: 'alice@example.com', groups: [] });

    const first = await ok<{ namespaces: { nodes: { name: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(
      '{ namespaces(first: 1) { nodes { name } pageInfo { hasNextPage endCursor } } }',
    );
    expect(first.namespaces.nodes.map((n) => n.name)).toEqual(['alice']);
    expect(first.namespaces.pageInfo.hasNextPage).toBe(true);
    const second = await ok<{ namespaces: { nodes: { name: string }[]; pageInfo: { hasNextPage: boolean } } }>(
      'query($after: String) { namespaces(first: 1, after: $after) { nodes { name } pageInfo { hasNextPage } } }',
      { after: first.namespaces.pageInfo.endCursor },
    );
    expect(second.namespaces).toEqual({ nodes: [{ name: 'ml-research' }], pageInfo: { hasNextPage: false } });

    const ns = await ok<{
      namespace: {
        id: string;
        name: string;
        experiments: { nodes: { id: string }[] };
        runs: { nodes: { id: string; state: string; pipelineVersion: { id: string } | null }[] };
        pipelines: { nodes: { id: string }[] };
        recurringRuns: { nodes: { id: string }[] };
        artifacts: { nodes: { id: string }[] };
        executions: { nodes: { id: string }[] };
      };
    }>(
      `{ namespace(name: "alice") { id name experiments(first: 5) { nodes { id } } runs(first: 50) { nodes { id state pipelineVersion { id } } }
         pipelines(first: 5) { nodes { id } } recurringRuns(first: 5) { nodes { id } } artifacts(first: 5) { nodes { id } } executions(first: 5) { nodes { id } } } }`,
    );
    const n = ns.namespace;
    expect(n.name).toBe('alice');
    expect(n.experiments.nodes.length).toBeGreaterThan(0);
    expect(n.artifacts.nodes.length).toBeGreaterThan(0);
    expect(n.executions.nodes.length).toBeGreaterThan(0);
    const experimentId = n.experiments.nodes[0]?.id as string;
    const runId = n.runs.nodes[0]?.id as string;
    const pipelineId = n.pipelines.nodes[0]?.id as string;
    const versionId = n.runs.nodes.find((r) => r.pipelineVersion)?.pipelineVersion?.id as string;
    const artifactId = n.artifacts.nodes[0]?.id as string;
    const executionId = n.executions.nodes[0]?.id as string;

    const node = await ok<{ node: { __typename: string; name: string } }>('query($id: ID!) { node(id: $id) { __typename ... on Namespace { name } } }', {
      id: n.id,
    });
    expect(node.node).toEqual({ __typename: 'Namespace', name: 'alice' });
    const nodes = await ok<{ nodes: ({ __typename: string } | null)[] }>('query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }', {
      ids: [experimentId, runId, artifactId, toGlobalId('Run', 'missing')],
    });
    expect(nodes.nodes).toEqual([{ __typename: 'Experiment' }, { __typename: 'Run' }, { __typename: 'Artifact' }, null]);

    expect((await ok<{ experiment: { id: string } }>('query($id: ID!) { experiment(id: $id) { id name } }', { id: experimentId })).experiment.id).toBe(
      experimentId,
    );
    expect((await ok<{ run: { id: string } }>('query($id: ID!) { run(id: $id) { id state experiment { id } } }', { id: runId })).run.id).toBe(runId);
    expect((await ok<{ pipeline: { id: string } }>('query($id: ID!) { pipeline(id: $id) { id name } }', { id: pipelineId })).pipeline.id).toBe(pipelineId);
    const version = await ok<{ pipelineVersion: { parameters: { name: string }[]; spec: { kind: string } } }>(
      'query($id: ID!) { pipelineVersion(id: $id) { name parameters { name defaultValue } spec } }',
      { id: versionId },
    );
    expect(version.pipelineVersion.spec.kind).toBe('Workflow');
    expect(version.pipelineVersion.parameters.length).toBeGreaterThan(0);
    expect((await ok<{ artifact: { id: string } }>('query($id: ID!) { artifact(id: $id) { id uri type } }', { id: artifactId })).artifact.id).toBe(artifactId);
    expect((await ok<{ execution: { id: string } }>('query($id: ID!) { execution(id: $id) { id type state } }', { id: executionId })).execution.id).toBe(
      executionId,
    );

    const pipelines = await ok<{ pipelines: { nodes: { name: string; shared: boolean }[] } }>('{ pipelines(namespace: "alice") { nodes { name shared } } }');
    expect(pipelines.pipelines.nodes.some((p) => p.shared)).toBe(true);
    expect(pipelines.pipelines.nodes.some((p) => !p.shared)).toBe(true);

    const lineage = await ok<{ lineage: { artifacts: unknown[]; executions: unknown[]; edges: unknown[] } }>(
      'query($id: ID!) { lineage(of: $id, depth: 4) { artifacts { id } executions { id } edges { artifactId executionId type } truncated } }',
      { id: artifactId },
    );
    expect(lineage.lineage.artifacts.length).toBeGreaterThan(0);
    expect(lineage.lineage.edges.length).toBeGreaterThan(0);
  });

  it('answers recurringRun(id:) for a recurring run in a visible namespace', async () => {
    // The demo seed has no recurring run; one is written directly, as the SQL row the API reads.
    const db = t.server.app.store.db;
    const exp = await db.selectFrom('experiments').select('id').where('namespace', '=', 'alice').executeTakeFirstOrThrow();
    const version = await db.selectFrom('pipeline_versions').select('id').where('namespace', '=', 'alice').executeTakeFirstOrThrow();
    const now = Date.now();
    await db
      .insertInto('recurring_runs')
      .values(recurringRun('rr-happy', 'alice', exp.id, version.id, 'nightly', now, { cron: '0 0 * * * *', scheduled_workflow_name: 'nightly' }))
      .execute();
    const id = toGlobalId('RecurringRun', 'rr-happy');
    const res = await ok<{ recurringRun: { id: string; name: string } }>('query($id: ID!) { recurringRun(id: $id) { id name } }', { id });
    expect(res.recurringRun).toEqual({ id, name: 'nightly' });
  });
});
