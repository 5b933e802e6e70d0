import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELLO_WORLD } from '../../src/demo/demo-pipelines.js';
import { readYamlDocuments } from '../../src/emulator/demo-seed.js';
import { run } from '../support/run-row.js';
import { UPSTREAM_KUBERNETES } from '../support/upstream-fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  adminData,
  as,
  CALLERS,
  canRead,
  discoverTenant,
  errorShape,
  globalId,
  readOutcome,
  TENANTS,
  writeOutcome,
  type Caller,
  type Outcome,
  type Role,
  type TenantFixture,
} from './tenancy-support.js';

/**
 * Issue 3's matrix: every caller × every operation × every demo tenant, over HTTP on the emulator. The expected
 * answer of a cell follows from the caller's role in the tenant only: readers read, writers write, a viewer's
 * write is FORBIDDEN, and a caller without a role gets exactly what a missing object or namespace gets.
 */

/**
 * The matrix runs once per stock role set. KFP's ClusterRoles up to 2.14 grant `pipelines/versions` (a subresource
 * nobody asks about); 2.15 renamed it `pipelineversions` (kubeflow/pipelines#12261). KFP authorizes a version as its
 * pipeline (KFP: backend/src/apiserver/server/pipeline_server.go `canAccessPipelineVersion`), so both must pass.
 */
const ROLE_SETS: readonly { readonly name: string; readonly viewEditRoles: string | null; readonly grantsPipelineVersions: boolean }[] = [
  { name: 'current KFP roles (2.15+)', viewEditRoles: null, grantsPipelineVersions: true },
  { name: 'KFP 2.14 roles', viewEditRoles: `${UPSTREAM_KUBERNETES}kfp-multi-user-rbac-2.14/kfp-view-edit-cluster-roles.yaml`, grantsPipelineVersions: false },
];

let t: TestServer;
const fixtures = new Map<string, TenantFixture>();
let sharedPipelineId: string;
let scratch = 0;

describe.each(ROLE_SETS)('tenancy matrix with $name', (roleSet) => {
  beforeAll(async () => {
    t = await startTestServer();
    if (roleSet.viewEditRoles) t.emulator.apply(readYamlDocuments(roleSet.viewEditRoles));
    const may = (resource: string) =>
      t.emulator.cluster.authorize(
        { username: 'alice@example.com', groups: ['system:authenticated'] },
        { kind: 'resource', verb: 'get', apiGroup: 'pipelines.kubeflow.org', resource, namespace: 'alice' },
      ).allowed;
    // The role set is the one in effect: 2.14 grants pipelines/versions and no pipelineversions.
    expect(may('pipelineversions')).toBe(roleSet.grantsPipelineVersions);
    expect(may('pipelines')).toBe(true);
    for (const ns of TENANTS) {
      const f = await discoverTenant(t, ns);
      f.recurringRunId = await insertRecurringRun(ns, f);
      fixtures.set(ns, f);
    }
    const shared = await adminData<{ pipelines: { nodes: { id: string; shared: boolean }[] } }>(
      t,
      '{ pipelines(includeShared: true, first: 200) { nodes { id shared } } }',
    );
    sharedPipelineId = shared.pipelines.nodes.find((p) => p.shared)?.id as string;
    expect(sharedPipelineId).toMatch(/^[A-Za-z0-9_-]+$/);
  });
  afterAll(async () => t?.close());

  const fx = (ns: string): TenantFixture => fixtures.get(ns) as TenantFixture;
  const localOf = (id: string): string => Buffer.from(id, 'base64url').toString('utf8').split(':').slice(1).join(':');

  /** A recurring run in the tenant (the demo seed has none), written as the service writes its row. */
  async function insertRecurringRun(ns: string, f: TenantFixture): Promise<string> {
    const id = randomUUID();
    const now = Date.now();
    await t.server.app.repositories.recurringRuns.insert({
      id,
      namespace: ns,
      experiment_id: localOf(f.experimentId),
      pipeline_version_id: localOf(f.pipelineVersionId),
      name: `nightly-${ns}`,
      description: '',
      cron: '0 0 0 * * *',
      interval_seconds: null,
      max_concurrency: 1,
      catchup: 1,
      start_at: null,
      end_at: null,
      enabled: 1,
      parameters: '{}',
      service_account: 'default-editor',
      created_by: 'someone@example.com',
      created_by_groups: '[]',
      scheduled_workflow_name: `nightly-${ns}`,
      created_at: now,
      updated_at: now,
    });
    return globalId('RecurringRun', id);
  }

  /** The answer a caller without any role must get: the one for an object that does not exist. */
  async function expectIndistinguishable(
    caller: Caller,
    real: Outcome,
    query: string,
    missingVars: Record<string, unknown>,
    replace: readonly (readonly [string, string])[],
  ): Promise<void> {
    const missing = await as(t, caller, query, missingVars);
    expect(real.code).toBe('NOT_FOUND');
    expect(errorShape(real, replace)).toEqual(errorShape(missing, replace));
  }

  // ---------- reads, per tenant ----------

  type NodeType = 'Namespace' | 'Experiment' | 'Run' | 'RecurringRun' | 'Pipeline' | 'PipelineVersion' | 'Artifact' | 'Execution';
  const NODE_CASES: readonly { readonly type: NodeType; readonly id: (f: TenantFixture) => string; readonly missing: () => string; readonly byId?: string }[] =
    [
      { type: 'Namespace', id: (f) => f.namespaceId, missing: () => globalId('Namespace', 'no-such') },
      { type: 'Experiment', id: (f) => f.experimentId, missing: () => globalId('Experiment', randomUUID()), byId: 'experiment' },
      { type: 'Run', id: (f) => f.runId, missing: () => globalId('Run', randomUUID()), byId: 'run' },
      { type: 'RecurringRun', id: (f) => f.recurringRunId as string, missing: () => globalId('RecurringRun', randomUUID()), byId: 'recurringRun' },
      { type: 'Pipeline', id: (f) => f.pipelineId, missing: () => globalId('Pipeline', randomUUID()), byId: 'pipeline' },
      { type: 'PipelineVersion', id: (f) => f.pipelineVersionId, missing: () => globalId('PipelineVersion', randomUUID()), byId: 'pipelineVersion' },
      { type: 'Artifact', id: (f) => f.artifactId, missing: () => globalId('Artifact', 987654321), byId: 'artifact' },
      { type: 'Execution', id: (f) => f.executionId, missing: () => globalId('Execution', 987654321), byId: 'execution' },
    ];

  interface Cell {
    readonly caller: Caller;
    readonly ns: string;
    readonly role: Role | undefined;
  }
  const cells: Cell[] = CALLERS.flatMap((caller) => TENANTS.map((ns) => ({ caller, ns, role: caller.roles[ns] })));
  const label = (c: Cell, op: string): string => `${c.caller.name} [${c.role ?? 'none'}] × ${op}(${c.ns}) → `;

  describe('reads', () => {
    it.each(cells.map((c) => [`${label(c, 'namespaces')}${canRead(c.role) ? 'listed' : 'not listed'}`, c] as const))('%s', async (_, c) => {
      const o = await as(t, c.caller, '{ namespaces(first: 200) { nodes { name } } }');
      expect(o.code).toBe('OK');
      const names = (o.data?.namespaces as { nodes: { name: string }[] }).nodes.map((n) => n.name);
      expect(names.includes(c.ns)).toBe(canRead(c.role));
    });

    const NAMESPACE_QUERY = `query($ns: String!) { namespace(name: $ns) { name
      experiments { nodes { id } } runs { nodes { id } } pipelines { nodes { id } } artifacts { nodes { id } } executions { nodes { id } } } }`;
    it.each(cells.map((c) => [`${label(c, 'namespace{experiments runs pipelines artifacts executions}')}${readOutcome(c.role)}`, c] as const))(
      '%s',
      async (_, c) => {
        const o = await as(t, c.caller, NAMESPACE_QUERY, { ns: c.ns });
        if (canRead(c.role)) {
          expect(o.code, JSON.stringify(o.errors)).toBe('OK');
          const ns = o.data?.namespace as Record<string, { nodes: unknown[] } | string>;
          for (const list of ['experiments', 'runs', 'pipelines', 'artifacts', 'executions'])
            expect((ns[list] as { nodes: unknown[] }).nodes.length, list).toBeGreaterThan(0);
        } else {
          await expectIndistinguishable(c.caller, o, NAMESPACE_QUERY, { ns: 'no-such' }, [
            [c.ns, 'NS'],
            ['no-such', 'NS'],
          ]);
        }
      },
    );

    for (const node of NODE_CASES) {
      const NODE_QUERY = 'query($id: ID!) { node(id: $id) { id __typename } }';
      it.each(cells.map((c) => [`${label(c, `node(${node.type})`)}${readOutcome(c.role)}`, c] as const))('%s', async (_, c) => {
        const id = node.id(fx(c.ns));
        const o = await as(t, c.caller, NODE_QUERY, { id });
        if (canRead(c.role)) {
          expect(o.code, JSON.stringify(o.errors)).toBe('OK');
          expect(o.data?.node).toEqual({ id, __typename: node.type });
        } else {
          await expectIndistinguishable(c.caller, o, NODE_QUERY, { id: node.missing() }, [
            [c.ns, 'NS'],
            ['no-such', 'NS'],
          ]);
        }
      });

      if (node.byId) {
        const field = node.byId;
        const BY_ID = `query($id: ID!) { ${field}(id: $id) { id } }`;
        it.each(cells.map((c) => [`${label(c, `${field}(id)`)}${readOutcome(c.role)}`, c] as const))('%s', async (_, c) => {
          const id = node.id(fx(c.ns));
          const o = await as(t, c.caller, BY_ID, { id });
          if (canRead(c.role)) {
            expect(o.code, JSON.stringify(o.errors)).toBe('OK');
            expect(o.data?.[field]).toEqual({ id });
          } else {
            await expectIndistinguishable(c.caller, o, BY_ID, { id: node.missing() }, []);
          }
        });
      }
    }

    // Federation: a gateway's `_entities` is answered exactly like `node` (docs/design.md "GraphQL conventions").
    const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { __typename ... on Namespace { name } ... on Experiment { id } ... on Run { id } ... on Artifact { id } ... on Execution { id } } }`;
    it.each(
      cells.map(
        (c) =>
          [
            `${label(c, '_entities(Namespace, Experiment, Run, Artifact, Execution)')}${canRead(c.role) ? 'all' : 'each null + NOT_FOUND, like a missing one'}`,
            c,
          ] as const,
      ),
    )('%s', async (_, c) => {
      const f = fx(c.ns);
      const reps = [
        { __typename: 'Namespace', name: c.ns },
        { __typename: 'Experiment', id: f.experimentId },
        { __typename: 'Run', id: f.runId },
        { __typename: 'Artifact', id: f.artifactId },
        { __typename: 'Execution', id: f.executionId },
      ];
      const o = await as(t, c.caller, ENTITIES, { reps });
      const entities = o.data?._entities as (Record<string, string> | null)[];
      if (canRead(c.role)) {
        expect(o.code, JSON.stringify(o.errors)).toBe('OK');
        expect(entities.map((e) => e?.__typename)).toEqual(reps.map((r) => r.__typename));
      } else {
        expect(entities).toEqual([null, null, null, null, null]);
        expect(o.errors.map((e) => e.extensions?.code)).toEqual(Array(5).fill('NOT_FOUND'));
        const missing = await as(t, c.caller, ENTITIES, {
          reps: [
            { __typename: 'Namespace', name: 'no-such' },
            { __typename: 'Experiment', id: globalId('Experiment', randomUUID()) },
            { __typename: 'Run', id: globalId('Run', randomUUID()) },
            { __typename: 'Artifact', id: globalId('Artifact', 987654321) },
            { __typename: 'Execution', id: globalId('Execution', 987654321) },
          ],
        });
        expect(errorShape(o)).toEqual(errorShape(missing));
      }
    });

    it.each(cells.map((c) => [`${label(c, 'nodes([all types])')}${canRead(c.role) ? 'all' : 'all null, no error'}`, c] as const))('%s', async (_, c) => {
      const ids = NODE_CASES.map((n) => n.id(fx(c.ns)));
      const o = await as(t, c.caller, 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
      expect(o.code, JSON.stringify(o.errors)).toBe('OK');
      expect(o.data?.nodes).toEqual(ids.map((id) => (canRead(c.role) ? { id } : null)));
    });

    it.each(cells.map((c) => [`${label(c, 'pipelines(namespace)')}${readOutcome(c.role)}`, c] as const))('%s', async (_, c) => {
      const Q = 'query($ns: String) { pipelines(namespace: $ns, includeShared: false) { nodes { id } } }';
      const o = await as(t, c.caller, Q, { ns: c.ns });
      if (canRead(c.role)) {
        expect(o.code, JSON.stringify(o.errors)).toBe('OK');
        expect((o.data?.pipelines as { nodes: { id: string }[] }).nodes.map((p) => p.id)).toContain(fx(c.ns).pipelineId);
      } else {
        await expectIndistinguishable(c.caller, o, Q, { ns: 'no-such' }, [
          [c.ns, 'NS'],
          ['no-such', 'NS'],
        ]);
      }
    });

    it.each(
      cells.map((c) => [`${label(c, 'pipelines (all)')}${canRead(c.role) ? 'includes its pipeline' : 'excludes its pipeline'} and the shared one`, c] as const),
    )('%s', async (_, c) => {
      const o = await as(t, c.caller, '{ pipelines(first: 200) { nodes { id } } }');
      expect(o.code, JSON.stringify(o.errors)).toBe('OK');
      const ids = (o.data?.pipelines as { nodes: { id: string }[] }).nodes.map((p) => p.id);
      expect(ids.includes(fx(c.ns).pipelineId)).toBe(canRead(c.role));
      expect(ids).toContain(sharedPipelineId);
    });

    const LINEAGE =
      'query($of: ID!) { lineage(of: $of, depth: 5) { artifacts { id namespace } executions { id namespace } edges { artifactId executionId } } }';
    it.each(cells.map((c) => [`${label(c, 'lineage(artifact)')}${canRead(c.role) ? 'its graph' : 'nothing'}`, c] as const))('%s', async (_, c) => {
      const o = await as(t, c.caller, LINEAGE, { of: fx(c.ns).artifactId });
      if (canRead(c.role)) {
        expect(o.code, JSON.stringify(o.errors)).toBe('OK');
        const graph = o.data?.lineage as { artifacts: { namespace: string }[]; executions: { namespace: string }[]; edges: unknown[] };
        expect(graph.edges.length).toBeGreaterThan(0);
        for (const n of [...graph.artifacts, ...graph.executions]) expect(n.namespace).toBe(c.ns);
      } else {
        // The message echoes the ID asked for, nothing else: the same words as for an artifact that never existed.
        const localId = Buffer.from(fx(c.ns).artifactId, 'base64url').toString('utf8').split(':')[1] as string;
        const missing = await as(t, c.caller, LINEAGE, { of: globalId('Artifact', 987654321) });
        expect(errorShape(o, [[` ${localId} `, ' ID ']])).toEqual(errorShape(missing, [[' 987654321 ', ' ID ']]));
        if (o.code === 'OK') expect(o.data?.lineage).toEqual({ artifacts: [], executions: [], edges: [] });
        else expect(o.code).toBe('NOT_FOUND');
      }
    });

    const EDGES = `query($run: ID!, $artifact: ID!, $execution: ID!) {
      run(id: $run) { executions { id } artifacts { id } }
      artifact(id: $artifact) { producer { id } consumers { id } }
      execution(id: $execution) { inputs { id } outputs { id } } }`;
    it.each(
      cells.map(
        (c) =>
          [`${label(c, 'Run.executions/Artifact.producer,consumers/Execution.inputs,outputs')}${canRead(c.role) ? 'edges' : 'no edge at all'}`, c] as const,
      ),
    )('%s', async (_, c) => {
      const f = fx(c.ns);
      const o = await as(t, c.caller, EDGES, { run: f.runId, artifact: f.artifactId, execution: f.executionId });
      if (canRead(c.role)) {
        expect(o.code, JSON.stringify(o.errors)).toBe('OK');
        const data = o.data as {
          run: { executions: unknown[]; artifacts: unknown[] };
          artifact: { producer: { id: string } };
          execution: { outputs: { id: string }[] };
        };
        expect(data.run.executions.length).toBeGreaterThan(0);
        expect(data.run.artifacts.length).toBeGreaterThan(0);
        expect(data.artifact.producer.id).toBe(f.executionId);
        expect(data.execution.outputs.map((a) => a.id)).toContain(f.artifactId);
      } else {
        // Three NOT_FOUNDs and nothing else: no edge, no ID, no namespace in the answer.
        expect(o.data).toEqual({ run: null, artifact: null, execution: null });
        expect(o.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
        const text = JSON.stringify(o.errors);
        for (const secret of [f.runId, f.artifactId, f.executionId, c.ns === 'bob' ? '"bob"' : c.ns]) expect(text).not.toContain(secret);
      }
    });
  });

  // ---------- writes, per tenant ----------

  async function scratchExperiment(ns: string): Promise<string> {
    scratch += 1;
    const row = await t.server.app.experiments.create(
      { namespace: ns, name: `scratch-${scratch}-${randomUUID().slice(0, 8)}`, description: '' },
      { user: 'admin@example.com', groups: [], source: 'header' },
    );
    return globalId('Experiment', row.id);
  }

  /** train-and-evaluate (the demo tenants' own pipeline) declares these without defaults. */
  const PARAMS = { epochs: '1', 'learning-rate': '0.01' };

  /** A finished run in the tenant with no Workflow left in the cluster (as after garbage collection). */
  async function scratchRun(ns: string): Promise<string> {
    const f = fx(ns);
    const id = randomUUID();
    const now = Date.now();
    await t.server.app.repositories.runs.insert(
      run(id, ns, localOf(f.experimentId), `scratch-run-${id.slice(0, 8)}`, now, {
        pipeline_version_id: localOf(f.pipelineVersionId),
        created_by: 'someone@example.com',
        scheduled_at: now,
        finished_at: now,
      }),
    );

    return globalId('Run', id);
  }

  const WRITES: readonly {
    readonly op: string;
    readonly query: string;
    readonly vars: (ns: string) => Promise<Record<string, unknown>>;
    readonly missing: () => Record<string, unknown>;
  }[] = [
    {
      op: 'createExperiment',
      query: 'mutation($ns: String!, $name: String!) { createExperiment(input: { namespace: $ns, name: $name }) { experiment { id namespace } } }',
      vars: async (ns) => ({ ns, name: `created-${randomUUID().slice(0, 8)}` }),
      missing: () => ({ ns: 'no-such', name: 'x' }),
    },
    {
      op: 'updateExperiment',
      query: 'mutation($id: ID!) { updateExperiment(input: { id: $id, description: "changed" }) { experiment { id description } } }',
      vars: async (ns) => ({ id: await scratchExperiment(ns) }),
      missing: () => ({ id: globalId('Experiment', randomUUID()) }),
    },
    {
      op: 'archiveExperiment',
      query: 'mutation($id: ID!) { archiveExperiment(input: { id: $id }) { experiment { id storageState } } }',
      vars: async (ns) => ({ id: await scratchExperiment(ns) }),
      missing: () => ({ id: globalId('Experiment', randomUUID()) }),
    },
    {
      op: 'deleteExperiment',
      query: 'mutation($id: ID!) { deleteExperiment(input: { id: $id }) { experiment { id } } }',
      vars: async (ns) => ({ id: await scratchExperiment(ns) }),
      missing: () => ({ id: globalId('Experiment', randomUUID()) }),
    },
    {
      op: 'createPipeline',
      query:
        'mutation($ns: String, $name: String!, $spec: String!) { createPipeline(input: { namespace: $ns, name: $name, version: { name: "v1", spec: $spec } }) { pipeline { id namespace } pipelineVersion { id } } }',
      vars: async (ns) => ({ ns, name: `p-${randomUUID().slice(0, 8)}`, spec: HELLO_WORLD }),
      missing: () => ({ ns: 'no-such', name: 'x', spec: HELLO_WORLD }),
    },
    {
      op: 'createPipelineVersion',
      query:
        'mutation($id: ID!, $name: String!, $spec: String!) { createPipelineVersion(input: { pipelineId: $id, name: $name, spec: $spec }) { pipelineVersion { id namespace } } }',
      vars: async (ns) => ({ id: fx(ns).pipelineId, name: `v-${randomUUID().slice(0, 8)}`, spec: HELLO_WORLD }),
      missing: () => ({ id: globalId('Pipeline', randomUUID()), name: 'x', spec: HELLO_WORLD }),
    },
    {
      op: 'createRun',
      query:
        'mutation($ns: String!, $exp: ID!, $pv: ID!, $name: String!, $params: JSONObject) { createRun(input: { namespace: $ns, experimentId: $exp, pipelineVersionId: $pv, name: $name, parameters: $params }) { run { id namespace state } } }',
      vars: async (ns) => ({ ns, exp: fx(ns).experimentId, pv: fx(ns).pipelineVersionId, name: `run-${randomUUID().slice(0, 8)}`, params: PARAMS }),
      missing: () => ({ ns: 'no-such', exp: globalId('Experiment', randomUUID()), pv: globalId('PipelineVersion', randomUUID()), name: 'x', params: PARAMS }),
    },
    {
      op: 'archiveRun',
      query: 'mutation($id: ID!) { archiveRun(input: { id: $id }) { run { id storageState } } }',
      vars: async (ns) => ({ id: await scratchRun(ns) }),
      missing: () => ({ id: globalId('Run', randomUUID()) }),
    },
    {
      op: 'deleteRun',
      query: 'mutation($id: ID!) { deleteRun(input: { id: $id }) { run { id } } }',
      vars: async (ns) => ({ id: await scratchRun(ns) }),
      missing: () => ({ id: globalId('Run', randomUUID()) }),
    },
  ];

  describe('writes', () => {
    for (const w of WRITES) {
      it.each(cells.map((c) => [`${label(c, w.op)}${writeOutcome(c.role)}`, c] as const))('%s', async (_, c) => {
        const vars = await w.vars(c.ns);
        const o = await as(t, c.caller, w.query, vars);
        const expected = writeOutcome(c.role);
        expect(o.code, JSON.stringify(o.errors)).toBe(expected);
        if (expected === 'OK') {
          expect(JSON.stringify(o.data)).toMatch(/"id":"/);
          if (w.op === 'updateExperiment') expect(o.data).toMatchObject({ updateExperiment: { experiment: { description: 'changed' } } });
          if (w.op === 'archiveExperiment') expect(o.data).toMatchObject({ archiveExperiment: { experiment: { storageState: 'ARCHIVED' } } });
        } else {
          expect(o.data).toBeNull();
          if (expected === 'NOT_FOUND') {
            await expectIndistinguishable(c.caller, o, w.query, w.missing(), [
              [c.ns, 'NS'],
              ['no-such', 'NS'],
            ]);
          } else {
            expect(o.errors[0]?.message).toMatch(/may not/);
          }
        }
      });
    }
  });

  // ---------- references into another tenant, from a namespace the caller owns ----------

  describe('cross-tenant references in an allowed write', () => {
    const alice = () => CALLERS[0] as Caller;
    const CREATE_RUN =
      'mutation($ns: String!, $exp: ID!, $pv: ID!, $name: String!, $params: JSONObject) { createRun(input: { namespace: $ns, experimentId: $exp, pipelineVersionId: $pv, name: $name, parameters: $params }) { run { id } } }';

    it.each([
      ["bob's experiment", () => fx('bob').experimentId, () => globalId('Experiment', randomUUID()), 'exp'],
      ["bob's private pipeline version (GHSA-v83x-544f-ph2r)", () => fx('bob').pipelineVersionId, () => globalId('PipelineVersion', randomUUID()), 'pv'],
    ] as const)('alice creating a run in alice with %s is refused exactly like with a missing one', async (_, theirs, missing, field) => {
      const base = { ns: 'alice', exp: fx('alice').experimentId, pv: fx('alice').pipelineVersionId, params: PARAMS };
      const o = await as(t, alice(), CREATE_RUN, { ...base, [field]: theirs(), name: `x-${randomUUID().slice(0, 8)}` });
      const m = await as(t, alice(), CREATE_RUN, { ...base, [field]: missing(), name: `x-${randomUUID().slice(0, 8)}` });
      expect(['NOT_FOUND', 'BAD_USER_INPUT']).toContain(o.code);
      expect(o.errors[0]?.message).not.toMatch(/parameter/);
      expect(o.code).toBe(m.code);
      expect(errorShape(o, [[localOf(theirs()), 'ID']])).toEqual(errorShape(m, [[localOf(missing()), 'ID']]));
      expect(JSON.stringify(o.errors)).not.toContain('bob');
    });
  });

  // ---------- shared pipelines, per caller ----------

  describe('shared pipelines', () => {
    it.each(CALLERS.map((c) => [`${c.name} reads the shared pipeline by id and in pipelines`, c] as const))('%s', async (_, caller) => {
      const o = await as(
        t,
        caller,
        'query($id: ID!) { node(id: $id) { ... on Pipeline { id shared namespace latestVersion { id } } } pipelines(first: 200) { nodes { id } } }',
        { id: sharedPipelineId },
      );
      expect(o.code, JSON.stringify(o.errors)).toBe('OK');
      expect(o.data?.node).toMatchObject({ id: sharedPipelineId, shared: true, namespace: null });
      expect((o.data?.pipelines as { nodes: { id: string }[] }).nodes.map((p) => p.id)).toContain(sharedPipelineId);
    });

    const CREATE_SHARED =
      'mutation($name: String!, $spec: String!) { createPipeline(input: { name: $name, version: { name: "v1", spec: $spec } }) { pipeline { id shared } } }';
    it.each(CALLERS.map((c) => [`${c.name} × createPipeline(shared) → ${c.name.startsWith('cluster admin') ? 'OK' : 'FORBIDDEN'}`, c] as const))(
      '%s',
      async (_, caller) => {
        const o = await as(t, caller, CREATE_SHARED, { name: `shared-${randomUUID().slice(0, 8)}`, spec: HELLO_WORLD });
        if (caller.name.startsWith('cluster admin')) {
          expect(o.code, JSON.stringify(o.errors)).toBe('OK');
          expect(o.data).toMatchObject({ createPipeline: { pipeline: { shared: true } } });
        } else {
          expect(o.code).toBe('FORBIDDEN');
          expect(o.data).toBeNull();
        }
      },
    );

    it.each(
      CALLERS.map((c) => [`${c.name} × createPipelineVersion(shared pipeline) → ${c.name.startsWith('cluster admin') ? 'OK' : 'FORBIDDEN'}`, c] as const),
    )('%s', async (_, caller) => {
      const o = await as(
        t,
        caller,
        'mutation($id: ID!, $name: String!, $spec: String!) { createPipelineVersion(input: { pipelineId: $id, name: $name, spec: $spec }) { pipelineVersion { id } } }',
        {
          id: sharedPipelineId,
          name: `v-${randomUUID().slice(0, 8)}`,
          spec: HELLO_WORLD,
        },
      );
      expect(o.code, JSON.stringify(o.errors)).toBe(caller.name.startsWith('cluster admin') ? 'OK' : 'FORBIDDEN');
    });
  });

  // ---------- callers that are not let in at all, and the admin's cluster-wide view ----------

  describe('tokens and the cluster admin', () => {
    it('a token for another audience is 401 UNAUTHENTICATED on every operation', async () => {
      const token = t.emulator.issueToken('alice', 'default-editor', ['some-other-service']);
      for (const query of [
        '{ viewer { user } }',
        '{ namespaces { nodes { name } } }',
        '{ namespace(name: "alice") { name } }',
        'mutation { createExperiment(input: { namespace: "alice", name: "x" }) { experiment { id } } }',
      ]) {
        const res = await t.gql(query, {}, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status, query).toBe(401);
        expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(res.body.data ?? null).toBeNull();
      }
    });

    it('a garbage bearer token is 401 too', async () => {
      const res = await t.gql('{ viewer { user } }', {}, { headers: { authorization: 'Bearer not-a-token' } });
      expect(res.status).toBe(401);
    });

    it('the default-editor token is the service account user with the service-account groups', async () => {
      const o = await as(t, CALLERS.find((c) => c.name.startsWith("alice's")) as Caller, '{ viewer { user groups } }');
      expect(o.data?.viewer).toMatchObject({ user: 'system:serviceaccount:alice:default-editor' });
      expect((o.data?.viewer as { groups: string[] }).groups).toEqual(
        expect.arrayContaining(['system:serviceaccounts', 'system:serviceaccounts:alice', 'system:authenticated']),
      );
    });

    it('the cluster admin sees every namespace, and metadata no run claims', async () => {
      const data = await adminData<{ namespaces: { nodes: { name: string }[] } }>(t, '{ namespaces(first: 200) { nodes { name } } }');
      expect(data.namespaces.nodes.map((n) => n.name)).toEqual(expect.arrayContaining([...TENANTS]));
      // An artifact attributed to no run context: only a cluster-wide `list runs` reads it.
      const type = (await t.server.app.store.db
        .selectFrom('Type' as never)
        .select('id' as never)
        .where('name' as never, '=', 'system.Dataset' as never)
        .executeTakeFirstOrThrow()) as { id: number };
      const uri = `s3://orphan/${randomUUID()}`;
      await t.server.app.store.db
        .insertInto('Artifact' as never)
        .values({ type_id: type.id, uri, state: 2, name: null, external_id: uri, create_time_since_epoch: 1, last_update_time_since_epoch: 1 } as never)
        .execute();
      const row = (await t.server.app.store.db
        .selectFrom('Artifact' as never)
        .select('id' as never)
        .where('external_id' as never, '=', uri as never)
        .executeTakeFirstOrThrow()) as { id: number };
      const id = globalId('Artifact', row.id);
      const admin = await t.gql('query($id: ID!) { artifact(id: $id) { id uri namespace } }', { id }, { user: 'admin@example.com' });
      expect(admin.body.data).toEqual({ artifact: { id, uri, namespace: null } });
      for (const caller of CALLERS.filter((c) => !c.name.startsWith('cluster admin'))) {
        const o = await as(t, caller, 'query($id: ID!) { artifact(id: $id) { id } }', { id });
        expect(o.code, caller.name).toBe('NOT_FOUND');
      }
    });
  });
});
