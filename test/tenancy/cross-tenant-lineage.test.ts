import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetadataTables } from '../../src/mlmd/metadata-tables.js';
import { MetadataWriter } from '../../src/mlmd/metadata-writer.js';
import type { Kysely } from 'kysely';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { globalId } from './tenancy-support.js';

/**
 * One artifact linked into two tenants' runs (KFP's cache reuses an artifact across runs): bob's run produced
 * it, a run in ml-research consumed it. Each side sees its own half of the edge; a stranger sees neither; no
 * path (producer, consumers, inputs, outputs, lineage, run.artifacts) crosses into the other tenant.
 */
describe('lineage across tenants', () => {
  let t: TestServer;
  let artifact: string;
  let cachedArtifact: string;
  let producer: string;
  let consumer: string;
  const bobRun = randomUUID();
  const researchRun = randomUUID();

  beforeAll(async () => {
    t = await startTestServer();
    const writer = new MetadataWriter(t.server.app.store.db as unknown as Kysely<MetadataTables>, t.server.app.store.dialect);
    const model = { key: 'cross-tenant/model', uri: 's3://mlpipeline/cross-tenant/model', name: 'model', type: 'system.Model' };
    // What KFP's cache shares in practice: an artifact under bob's own prefix (ARTIFACT_PREFIX_TEMPLATE).
    const cached = {
      key: 'cross-tenant/cached',
      uri: `minio://mlpipeline/private-artifacts/bob/v2/artifacts/train-and-evaluate/${bobRun}/train/model`,
      name: 'cached',
      type: 'system.Model',
    };
    const at = Date.now();
    const produced = await writer.recordRun({
      runId: bobRun,
      namespace: 'bob',
      pipelineName: 'train-and-evaluate',
      executions: [
        { key: `${bobRun}/train`, type: 'system.ContainerExecution', name: 'train', state: 'COMPLETE', createdAt: at, updatedAt: at, outputs: [model, cached] },
      ],
    });
    const consumed = await writer.recordRun({
      runId: researchRun,
      namespace: 'ml-research',
      pipelineName: 'train-and-evaluate',
      executions: [
        {
          key: `${researchRun}/evaluate`,
          type: 'system.ContainerExecution',
          name: 'evaluate',
          state: 'COMPLETE',
          createdAt: at,
          updatedAt: at,
          inputs: [model, cached],
        },
      ],
    });
    const artifactId = produced.artifactIds.get('cross-tenant/model');
    expect(consumed.artifactIds.get('cross-tenant/model')).toBe(artifactId);
    artifact = globalId('Artifact', artifactId as number);
    cachedArtifact = globalId('Artifact', produced.artifactIds.get('cross-tenant/cached') as number);
    producer = globalId('Execution', produced.executionIds.get(`${bobRun}/train`) as number);
    consumer = globalId('Execution', consumed.executionIds.get(`${researchRun}/evaluate`) as number);
  });
  afterAll(async () => t?.close());

  const ARTIFACT = `query($id: ID!) { artifact(id: $id) { id uri namespace producer { id namespace } consumers { id namespace } customProperties } }`;
  const LINEAGE = `query($id: ID!) { lineage(of: $id, depth: 5) { artifacts { id } executions { id namespace } edges { artifactId executionId type } } }`;

  it('the producing tenant (bob) sees its producer and no consumer in ml-research', async () => {
    const res = await t.gql<{ artifact: { producer: { id: string } | null; consumers: { id: string }[] } }>(
      ARTIFACT,
      { id: artifact },
      { user: 'bob@example.com' },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.artifact.producer?.id).toBe(producer);
    expect(res.body.data?.artifact.consumers).toEqual([]);
    const lineage = await t.gql<{ lineage: { executions: { id: string }[]; edges: { executionId: string }[] } }>(
      LINEAGE,
      { id: artifact },
      { user: 'bob@example.com' },
    );
    expect(lineage.body.errors).toBeUndefined();
    expect(lineage.body.data?.lineage.executions.map((e) => e.id)).toEqual([producer]);
    expect(lineage.body.data?.lineage.edges.map((e) => e.executionId)).toEqual([producer]);
  });

  it('the consuming tenant (dave, view on ml-research) sees its consumer and no producer in bob', async () => {
    const res = await t.gql<{ artifact: { producer: { id: string } | null; consumers: { id: string }[]; namespace: string } }>(
      ARTIFACT,
      { id: artifact },
      { user: 'dave@example.com' },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.artifact.producer).toBeNull();
    expect(res.body.data?.artifact.consumers.map((e) => e.id)).toEqual([consumer]);
    const inputs = await t.gql<{ execution: { inputs: { id: string }[] } }>(
      'query($id: ID!) { execution(id: $id) { inputs { id } } }',
      { id: consumer },
      { user: 'dave@example.com' },
    );
    expect(inputs.body.data?.execution.inputs.map((a) => a.id).sort()).toEqual([artifact, cachedArtifact].sort());
    const lineage = await t.gql<{ lineage: { executions: { id: string }[]; edges: { executionId: string }[] } }>(
      LINEAGE,
      { id: artifact },
      { user: 'dave@example.com' },
    );
    expect(lineage.body.errors).toBeUndefined();
    expect(lineage.body.data?.lineage.executions.map((e) => e.id)).toEqual([consumer]);
    expect(lineage.body.data?.lineage.edges.map((e) => e.executionId)).toEqual([consumer]);
    const other = await t.gql('query($id: ID!) { execution(id: $id) { id } }', { id: producer }, { user: 'dave@example.com' });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  // The artifact also belongs to bob's run; dave must not read bob's name in it.
  it("Artifact.namespace names the caller's own tenant, never the other one", async () => {
    const res = await t.gql<{ artifact: { namespace: string } }>(ARTIFACT, { id: artifact }, { user: 'dave@example.com' });
    expect(res.body.data?.artifact.namespace).toBe('ml-research');
  });

  // A known residual (README "Security model"): the URI of a cache-shared artifact names the tenant whose run wrote it.
  it("Artifact.uri under another tenant's prefix is null for the consumer, shown to the owner and the admin", async () => {
    const uriAs = async (user: string) => {
      const res = await t.gql<{ artifact: { uri: string | null } }>('query($id: ID!) { artifact(id: $id) { uri } }', { id: cachedArtifact }, { user });
      expect(res.body.errors, user).toBeUndefined();
      return res.body.data?.artifact.uri;
    };
    expect(await uriAs('dave@example.com')).toBeNull();
    expect(await uriAs('bob@example.com')).toMatch(/^minio:\/\/mlpipeline\/private-artifacts\/bob\//);
    expect(await uriAs('admin@example.com')).toMatch(/^minio:\/\/mlpipeline\/private-artifacts\/bob\//);
    // A URI under no tenant's prefix stays visible to both.
    const plain = await t.gql<{ artifact: { uri: string } }>('query($id: ID!) { artifact(id: $id) { uri } }', { id: artifact }, { user: 'dave@example.com' });
    expect(plain.body.data?.artifact.uri).toBe('s3://mlpipeline/cross-tenant/model');
  });

  it('node(id) finds it for both tenants', async () => {
    for (const user of ['bob@example.com', 'dave@example.com']) {
      const res = await t.gql('query($id: ID!) { node(id: $id) { id } }', { id: artifact }, { user });
      expect(res.body.errors, user).toBeUndefined();
    }
  });

  // Entities are checked in any of the object's namespaces, as node(id:) is.
  it('_entities answers like node for the consuming tenant', async () => {
    const res = await t.gql(
      'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Artifact { id } } }',
      { reps: [{ __typename: 'Artifact', id: artifact }] },
      { user: 'dave@example.com' },
    );
    expect(res.body.errors).toBeUndefined();
  });

  it('a stranger sees no edge, from either end', async () => {
    for (const id of [artifact, producer, consumer]) {
      const res = await t.gql('query($id: ID!) { node(id: $id) { id } }', { id }, { user: 'eve@example.com' });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const lineage = await t.gql(LINEAGE, { id }, { user: 'eve@example.com' });
      expect(lineage.body.data ?? null).toBeNull();
      expect(lineage.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
  });

  it('the cluster admin sees both halves', async () => {
    const res = await t.gql<{ artifact: { producer: { id: string }; consumers: { id: string }[] } }>(ARTIFACT, { id: artifact }, { user: 'admin@example.com' });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.artifact.producer.id).toBe(producer);
    expect(res.body.data?.artifact.consumers.map((e) => e.id)).toEqual([consumer]);
  });
});
