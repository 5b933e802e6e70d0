import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/ids/global-id.js';
import { MetadataWriter } from '../../src/mlmd/metadata-writer.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const S3_ENV = {
  ARTIFACT_S3_ENDPOINT: 'http://minio-service.kubeflow:9000',
  ARTIFACT_S3_ACCESS_KEY_ID: 'minio',
  ARTIFACT_S3_SECRET_ACCESS_KEY: 'minio123',
  ARTIFACT_URL_TTL_SECONDS: '600',
};

interface ArtifactData {
  readonly artifact: { readonly uri: string | null; readonly downloadUrl: string | null; readonly downloadUrlExpiresAt: string | null } | null;
}
const QUERY = 'query ($id: ID!) { artifact(id: $id) { uri downloadUrl downloadUrlExpiresAt } }';

/** Records a run in `namespace` whose one artifact has `uri`; returns the artifact's global ID. */
async function artifactWithUri(t: TestServer, namespace: string, uri: string): Promise<string> {
  const runId = randomUUID();
  const ids = await new MetadataWriter(t.server.app.store.db, t.server.app.store.dialect).recordRun({
    runId,
    namespace,
    pipelineName: 'download-test',
    executions: [
      {
        key: `${runId}/make`,
        name: 'make',
        type: 'system.ContainerExecution',
        state: 'COMPLETE',
        createdAt: Date.now(),
        updatedAt: Date.now(),
        outputs: [{ uri, name: 'out', type: 'system.Dataset' }],
      },
    ],
  });
  const id = ids.artifactIds.get(uri) ?? [...ids.artifactIds.values()][0];
  if (id === undefined) throw new Error('no artifact recorded');
  return toGlobalId('Artifact', id);
}

describe('Artifact.downloadUrl', () => {
  let t: TestServer;
  let inside: string;
  let outside: string;
  let traversal: string;
  beforeAll(async () => {
    t = await startTestServer({ env: S3_ENV });
    t.emulator.apply([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'runs-getter', namespace: 'alice' },
        rules: [{ apiGroups: ['pipelines.kubeflow.org'], resources: ['runs'], verbs: ['get', 'list'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'erin-runs-getter', namespace: 'alice' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'runs-getter' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'erin@example.com' }],
      },
    ]);
    inside = await artifactWithUri(t, 'alice', 'minio://mlpipeline/private-artifacts/alice/v2/artifacts/download-test/run-1/make/out');
    outside = await artifactWithUri(t, 'alice', 'minio://mlpipeline/private-artifacts/bob/v2/artifacts/download-test/run-9/make/out');
    traversal = await artifactWithUri(t, 'alice', 'minio://mlpipeline/private-artifacts/alice/../bob/v2/artifacts/run-9/out');
  });
  afterAll(async () => t?.close());

  it('is a presigned GET under the tenant prefix, expiring after the configured TTL', async () => {
    const before = Date.now();
    const res = await t.gql<ArtifactData>(QUERY, { id: inside }, { user: 'alice@example.com' });
    expect(res.body.errors).toBeUndefined();
    const url = new URL(res.body.data?.artifact?.downloadUrl ?? '');
    expect(url.origin).toBe('http://minio-service.kubeflow:9000');
    expect(url.pathname).toBe('/mlpipeline/private-artifacts/alice/v2/artifacts/download-test/run-1/make/out');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const expires = Date.parse(res.body.data?.artifact?.downloadUrlExpiresAt ?? '');
    expect(expires).toBeGreaterThanOrEqual(before + 600_000 - 1_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 600_000 + 1_000);
  });

  it('is given to a viewer (the kubeflow view role has readArtifact)', async () => {
    const res = await t.gql<ArtifactData>(QUERY, { id: inside }, { user: 'bob@example.com' });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.artifact?.downloadUrl).toMatch(/^http:\/\/minio-service\.kubeflow:9000\//);
  });

  it('is null with FORBIDDEN for someone who may read the metadata but not readArtifact', async () => {
    const res = await t.gql<ArtifactData>(QUERY, { id: inside }, { user: 'erin@example.com' });
    expect(res.body.data?.artifact).toEqual({
      uri: 'minio://mlpipeline/private-artifacts/alice/v2/artifacts/download-test/run-1/make/out',
      downloadUrl: null,
      downloadUrlExpiresAt: null,
    });
    expect(res.body.errors?.map((e) => [e.extensions?.code, e.path?.join('.')]).sort()).toEqual([
      ['FORBIDDEN', 'artifact.downloadUrl'],
      ['FORBIDDEN', 'artifact.downloadUrlExpiresAt'],
    ]);
  });

  it('is NOT_FOUND (the artifact itself) for a stranger', async () => {
    const res = await t.gql<ArtifactData>(QUERY, { id: inside }, { user: 'eve@example.com' });
    expect(res.body.data?.artifact ?? null).toBeNull();
    expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it("is null for a URI outside the tenant's prefix, and for one that climbs out with ..", async () => {
    for (const id of [outside, traversal]) {
      const res = await t.gql<ArtifactData>(QUERY, { id }, { user: 'alice@example.com' });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.artifact?.downloadUrl).toBeNull();
      expect(res.body.data?.artifact?.downloadUrlExpiresAt).toBeNull();
    }
  });
});

// KFP <= 2.14 put every namespace's artifacts under minio://mlpipeline/v2/artifacts (backend/src/v2/config/env.go):
// the tenant check is then the artifact's run context (NOT_FOUND for others) and readArtifact, as in KFP.
describe("Artifact.downloadUrl with KFP <= 2.14's shared layout", () => {
  let t: TestServer;
  let alices: string;
  beforeAll(async () => {
    t = await startTestServer({
      env: { ...S3_ENV, ARTIFACT_PREFIX_TEMPLATE: 'minio://mlpipeline/v2/artifacts/', DANGEROUSLY_ALLOW_SHARED_ARTIFACT_PREFIX: 'true' },
    });
    alices = await artifactWithUri(t, 'alice', 'minio://mlpipeline/v2/artifacts/download-test/run-3/make/out');
  });
  afterAll(async () => t?.close());

  it("signs the shared layout for the artifact's own tenant and hides it from others", async () => {
    const own = await t.gql<ArtifactData>(QUERY, { id: alices }, { user: 'alice@example.com' });
    expect(own.body.errors).toBeUndefined();
    expect(new URL(own.body.data?.artifact?.downloadUrl ?? '').pathname).toBe('/mlpipeline/v2/artifacts/download-test/run-3/make/out');
    const stranger = await t.gql<ArtifactData>(QUERY, { id: alices }, { user: 'carol@example.com' });
    expect(stranger.body.data?.artifact ?? null).toBeNull();
    expect(stranger.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('Artifact.downloadUrl without object-store credentials', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  it('is null, without an error', async () => {
    const list = await t.gql<{ namespace: { artifacts: { nodes: { id: string; uri: string | null; downloadUrl: string | null }[] } } }>(
      '{ namespace(name: "alice") { artifacts(first: 5) { nodes { id uri downloadUrl } } } }',
      {},
      { user: 'alice@example.com' },
    );
    expect(list.body.errors).toBeUndefined();
    const nodes = list.body.data?.namespace.artifacts.nodes ?? [];
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      expect(node.uri).toMatch(/^minio:\/\/mlpipeline\/private-artifacts\/alice\/v2\/artifacts\//);
      expect(node.downloadUrl).toBeNull();
    }
  });
});
