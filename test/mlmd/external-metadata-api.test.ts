import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/ids/global-id.js';
import type { SqlDialect } from '../../src/store/sql-dialect.js';
import { createKfpMetadataDatabase, type KfpMetadataDatabase } from '../support/kfp-metadata-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Two KFP tenants of the metadata database, as Profiles with an owner each (what the profile controller makes). */
function tenant(namespace: string, owner: string): unknown[] {
  return [
    { apiVersion: 'kubeflow.org/v1', kind: 'Profile', metadata: { name: namespace }, spec: { owner: { kind: 'User', name: owner } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'pipelines.kubeflow.org/enabled': 'true' } } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'namespaceAdmin', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: owner }],
    },
  ];
}

const ARTIFACTS = `query($ns: String!) { namespace(name: $ns) { artifacts(first: 10) { nodes { id name type uri producer { name } } } } }`;

describe.each<SqlDialect>(['sqlite', 'postgres', 'mysql'])('METADATA_DATABASE_URL pointing at a KFP metadata database on %s', (dialect) => {
  let database: KfpMetadataDatabase;
  let t: TestServer;

  beforeAll(async () => {
    database = await createKfpMetadataDatabase(dialect);
    t = await startTestServer({ demoData: false, env: { METADATA_DATABASE_URL: database.url } });
    t.emulator.apply([...tenant('team-a', 'ann@example.com'), ...tenant('team-b', 'ben@example.com')]);
    for (let i = 0; i < 50 && !t.server.app.directory.has('team-b'); i += 1) await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it("serves each tenant its own artifacts with their producers, read-only from KFP's tables", async () => {
    const res = await t.gql<{ namespace: { artifacts: { nodes: { name: string; type: string; producer: { name: string } | null }[] } } }>(
      ARTIFACTS,
      { ns: 'team-a' },
      { user: 'ann@example.com' },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.namespace.artifacts.nodes.map((a) => [a.name, a.type, a.producer?.name])).toEqual([
      ['metrics', 'system.Metrics', 'train'],
      ['model', 'system.Model', 'train'],
      ['dataset', 'system.Dataset', 'ingest'],
    ]);
  });

  it("never shows one tenant's lineage to the other, by any path", async () => {
    const model = toGlobalId('Artifact', 12);
    const mine = await t.gql<{ lineage: { artifacts: { name: string }[] } }>(
      `query($id: ID!) { lineage(of: $id, direction: UPSTREAM, depth: 4) { artifacts { name } } }`,
      { id: model },
      { user: 'ben@example.com' },
    );
    expect(mine.body.data?.lineage.artifacts.map((a) => a.name)).toEqual(['model', 'dataset']);
    for (const query of [
      `query($id: ID!) { lineage(of: $id, depth: 4) { artifacts { name } } }`,
      `query($id: ID!) { node(id: $id) { id } }`,
      `query($id: ID!) { artifact(id: $id) { consumers { name } } }`,
    ]) {
      const theirs = await t.gql(query, { id: model }, { user: 'ann@example.com' });
      expect(theirs.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    const crossing = await t.gql(ARTIFACTS, { ns: 'team-b' }, { user: 'ann@example.com' });
    expect(crossing.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses to write to it: the store is opened read-only', async () => {
    await expect(t.server.app.metadataStore.db.deleteFrom('Artifact').execute()).rejects.toThrow();
    const still = await t.gql<{ namespace: { artifacts: { nodes: unknown[] } } }>(ARTIFACTS, { ns: 'team-b' }, { user: 'ben@example.com' });
    expect(still.body.data?.namespace.artifacts.nodes).toHaveLength(3);
  });
});
