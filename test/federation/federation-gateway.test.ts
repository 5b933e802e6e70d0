import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/ids/global-id.js';
import { typedGql } from '../codegen/typed-request.js';
import { DashboardRunsDocument, RunDetailDocument } from '../generated/graphql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startGateway, type RunningGateway } from './gateway.js';
import { PORTAL_SDL, startPortalSubgraph, type RunningPortal } from './portal-subgraph.js';

const ALICE = 'alice@example.com';
const EVE = 'eve@example.com'; // no role anywhere
const ERIN = 'erin@example.com'; // only `get runs` in alice (bound below): sees a run, not its version

interface EntitiesData {
  readonly _entities: readonly (Record<string, unknown> | null)[];
}

describe('kfp-graph as a Federation v2 subgraph', () => {
  let t: TestServer;
  let portal: RunningPortal;
  let gateway: RunningGateway;
  let sdl: string;
  const ids = { run: '', experiment: '', execution: '', artifact: '', bobRun: '', bobPipelineVersionLocal: '' };

  beforeAll(async () => {
    t = await startTestServer();
    t.emulator.apply([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'runs-getter', namespace: 'alice' },
        rules: [{ apiGroups: ['pipelines.kubeflow.org'], resources: ['runs'], verbs: ['get'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'erin-runs-getter', namespace: 'alice' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'runs-getter' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: ERIN }],
      },
    ]);
    const runs = await typedGql(t, DashboardRunsDocument, { namespace: 'alice' }, { user: ALICE });
    const withLineage = runs.body.data?.namespace.runs.edges.find((e) => e.node.executions.length > 0);
    if (!withLineage) throw new Error('the demo data has no alice run with executions');
    ids.run = withLineage.node.id;
    const detail = await typedGql(
      t,
      RunDetailDocument,
      { runId: ids.run, lineageOf: ids.run.length > 0 ? toGlobalId('Execution', 1) : '', depth: 1 },
      { user: ALICE },
    );
    const run = detail.body.data?.run;
    const execution = run?.executions.find((e) => e.outputs.length > 0);
    if (!run || !execution?.outputs[0]) throw new Error('alice run detail incomplete');
    ids.experiment = run.experiment.id;
    ids.execution = execution.id;
    ids.artifact = execution.outputs[0].id;
    const bob = await typedGql(t, DashboardRunsDocument, { namespace: 'bob' }, { user: 'bob@example.com' });
    ids.bobRun = bob.body.data?.namespace.runs.edges[0]?.node.id ?? '';
    const pv = await t.server.app.store.db.selectFrom('pipeline_versions').select('id').where('namespace', '=', 'bob').executeTakeFirstOrThrow();
    ids.bobPipelineVersionLocal = pv.id;

    const service = await t.gql<{ _service: { sdl: string } }>('{ _service { sdl } }', {}, { user: ALICE });
    sdl = service.body.data?._service.sdl ?? '';
    portal = await startPortalSubgraph();
    gateway = await startGateway([
      { name: 'kfp', url: t.url, sdl },
      { name: 'portal', url: portal.url, sdl: PORTAL_SDL },
    ]);
  });
  afterAll(async () => {
    await gateway?.close();
    await portal?.close();
    await t?.close();
  });

  describe('the subgraph SDL (_service)', () => {
    it('links federation v2, keys the five entity types and keeps @authz visible', () => {
      expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.7"');
      for (const [type, key] of [
        ['Namespace', 'name'],
        ['Experiment', 'id'],
        ['Run', 'id'],
        ['Artifact', 'id'],
        ['Execution', 'id'],
      ]) {
        expect(sdl).toMatch(new RegExp(`type ${type} implements Node[^{]*@key\\(fields: "${key}"\\)`));
      }
      expect(sdl).toContain('directive @authz(');
      expect(sdl).toMatch(/type Run implements Node\s+@authz\(resource: "runs", verb: "get", target: PARENT\)/);
      // Apollo's own security directives are not used (and @apollo/gateway refuses supergraphs with them).
      expect(sdl).not.toMatch(/@(authenticated|requiresScopes|policy)\b/);
    });

    it('is not served without an identity', async () => {
      const res = await t.gql('{ _service { sdl } }');
      expect(res.status).toBe(401);
    });
  });

  describe('_entities, authorized like node', () => {
    const ENTITY_QUERY = `query ($r: [_Any!]!) { _entities(representations: $r) {
      __typename
      ... on Run { id name namespace }
      ... on Namespace { name }
      ... on Experiment { id name }
      ... on Artifact { id uri }
      ... on Execution { id state }
    } }`;
    const representations = () => [
      { __typename: 'Run', id: ids.run },
      { __typename: 'Namespace', name: 'alice' },
      { __typename: 'Experiment', id: ids.experiment },
      { __typename: 'Artifact', id: ids.artifact },
      { __typename: 'Execution', id: ids.execution },
    ];

    it('resolves every entity type for its owner', async () => {
      const res = await t.gql<EntitiesData>(ENTITY_QUERY, { r: representations() }, { user: ALICE });
      expect(res.body.errors).toBeUndefined();
      const entities = res.body.data?._entities ?? [];
      expect(entities.map((e) => e?.__typename)).toEqual(['Run', 'Namespace', 'Experiment', 'Artifact', 'Execution']);
      expect(entities[0]).toMatchObject({ id: ids.run, namespace: 'alice' });
      expect(String(entities[3]?.uri)).toMatch(/^minio:\/\/mlpipeline\/private-artifacts\/alice\/v2\/artifacts\//);
    });

    it("gives a stranger null and NOT_FOUND for each of another tenant's entities, as node does", async () => {
      const res = await t.gql<EntitiesData>(ENTITY_QUERY, { r: representations() }, { user: EVE });
      expect(res.status).toBe(200);
      expect(res.body.data?._entities).toEqual([null, null, null, null, null]);
      const errors = res.body.errors ?? [];
      expect(errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
      expect(errors.map((e) => e.path).sort((a, b) => Number(a?.[1]) - Number(b?.[1]))).toEqual([0, 1, 2, 3, 4].map((i) => ['_entities', i]));
      // Same answer as node(id:) for the same caller: nothing that tells the run exists.
      const node = await t.gql(`{ node(id: "${ids.run}") { id } }`, {}, { user: EVE });
      expect(node.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(errors.find((e) => e.path?.[1] === 0)?.message).toBe(node.body.errors?.[0]?.message);
      expect(JSON.stringify(res.body)).not.toContain('alice');
    });

    it('refuses forged representations: non-entity types, a key of another type, made-up fields', async () => {
      const forged = [
        // A non-entity type with the fields its resolvers read: Apollo's default would hand it back as the parent.
        {
          __typename: 'PipelineVersion',
          id: toGlobalId('PipelineVersion', ids.bobPipelineVersionLocal),
          localId: ids.bobPipelineVersionLocal,
          namespace: 'alice',
        },
        { __typename: 'Viewer', user: 'admin@example.com', groups: ['system:masters'] },
        // An Artifact's ID presented as a Run.
        { __typename: 'Run', id: ids.artifact },
        // Bob's run with alice's namespace spelled into the representation: the key alone decides.
        { __typename: 'Run', id: ids.bobRun, namespace: 'alice', localId: ids.bobRun },
        { __typename: 'Namespace', name: 'bob' },
        { __typename: 'Namespace', name: 'does-not-exist' },
      ];
      const res = await t.gql<EntitiesData>(
        'query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Run { name } ... on Namespace { name } } }',
        { r: forged },
        { user: ALICE },
      );
      expect(res.body.data?._entities, JSON.stringify(res.body.errors)).toEqual(forged.map(() => null));
      expect((res.body.errors ?? []).map((e) => e.extensions?.code)).toEqual(forged.map(() => 'NOT_FOUND'));
    });

    it('still applies field-level rules: a visible run, its pipeline version FORBIDDEN', async () => {
      const res = await t.gql<EntitiesData>(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Run { id name pipelineVersion { name } } } }',
        { r: [{ __typename: 'Run', id: ids.run }] },
        { user: ERIN },
      );
      expect(res.body.data?._entities[0]).toMatchObject({ id: ids.run, pipelineVersion: null });
      expect(typeof res.body.data?._entities[0]?.name).toBe('string');
      expect(res.body.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['FORBIDDEN', ['_entities', 0, 'pipelineVersion']]]);
    });
  });

  describe('through @apollo/gateway with a portal subgraph', () => {
    it('composes into a supergraph that joins both subgraphs', () => {
      expect(gateway.supergraphSdl).toContain('join__graph');
      expect(gateway.supergraphSdl).toMatch(/KFP.*name: "kfp"/);
      expect(gateway.supergraphSdl).toMatch(/PORTAL.*name: "portal"/);
    });

    it("answers a query across both subgraphs with the caller's identity", async () => {
      const res = await gateway.query<{
        portalInfo: { name: string };
        namespace: { runs: { edges: { node: { id: string; name: string; ownerTeam: string | null } }[] } };
      }>('{ portalInfo { name } namespace(name: "alice") { runs(first: 3) { edges { node { id name ownerTeam } } } } }', {}, ALICE);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.portalInfo.name).toBe('ML portal');
      const edges = res.body.data?.namespace.runs.edges ?? [];
      expect(edges).toHaveLength(3);
      for (const { node } of edges) expect(node.ownerTeam).toBe('ml-platform');
    });

    it('resolves a portal reference to a run for its owner (kfp-graph _entities as the caller)', async () => {
      const res = await gateway.query<{ featuredRun: { id: string; ownerTeam: string; name: string; namespace: string; experiment: { name: string } } | null }>(
        'query ($id: ID!) { featuredRun(id: $id) { id ownerTeam name namespace experiment { name } } }',
        { id: ids.run },
        ALICE,
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.featuredRun).toMatchObject({ id: ids.run, ownerTeam: 'ml-platform', namespace: 'alice' });
    });

    it("gives a stranger who asks the portal for another tenant's run nothing of it: null and NOT_FOUND", async () => {
      const res = await gateway.query<{ featuredRun: Record<string, unknown> | null }>(
        'query ($id: ID!) { featuredRun(id: $id) { id ownerTeam name namespace state experiment { name } } }',
        { id: ids.run },
        EVE,
      );
      expect(res.body.data?.featuredRun ?? null).toBeNull();
      expect(res.body.errors?.some((e) => e.extensions?.code === 'NOT_FOUND')).toBe(true);
      expect(JSON.stringify(res.body)).not.toMatch(/alice|baseline|tuning|SUCCEEDED/);
    });

    it('sends no identity when the gateway got none: kfp-graph refuses the entity fetch', async () => {
      const res = await gateway.query<{ featuredRun: Record<string, unknown> | null }>('query ($id: ID!) { featuredRun(id: $id) { id name } }', {
        id: ids.run,
      });
      expect(res.body.data?.featuredRun ?? null).toBeNull();
      expect(res.body.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(res.body)).not.toContain('alice');
    });

    it('keeps field-level FORBIDDEN through the gateway', async () => {
      const res = await gateway.query<{ featuredRun: { id: string; name: string; pipelineVersion: { name: string } | null } | null }>(
        'query ($id: ID!) { featuredRun(id: $id) { id name ownerTeam pipelineVersion { name } } }',
        { id: ids.run },
        ERIN,
      );
      expect(res.body.data?.featuredRun).toMatchObject({ id: ids.run, ownerTeam: 'ml-platform', pipelineVersion: null });
      expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    });
  });
});
