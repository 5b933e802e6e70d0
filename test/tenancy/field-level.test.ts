import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * docs/design.md "Authorization": a denied field on a visible object is null with FORBIDDEN, the rest of the answer
 * stands. grace may read runs and experiments in alice, but not pipelines or pipeline versions.
 */
describe('field-level denial', () => {
  let t: TestServer;
  const RBAC = 'rbac.authorization.k8s.io';
  beforeAll(async () => {
    t = await startTestServer();
    t.emulator.apply([
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'Role',
        metadata: { name: 'runs-reader', namespace: 'alice' },
        rules: [{ apiGroups: ['pipelines.kubeflow.org'], resources: ['runs', 'experiments'], verbs: ['get', 'list'] }],
      },
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'RoleBinding',
        metadata: { name: 'grace-runs-reader', namespace: 'alice' },
        roleRef: { apiGroup: RBAC, kind: 'Role', name: 'runs-reader' },
        subjects: [{ kind: 'User', apiGroup: RBAC, name: 'grace@example.com' }],
      },
    ]);
  });
  afterAll(async () => t?.close());

  interface RunsAnswer {
    namespace: { name: string; runs: { nodes: { name: string; state: string; pipelineVersion: { name: string } | null; experiment: { name: string } }[] } };
  }

  it('returns the runs with pipelineVersion null and one FORBIDDEN error per run, at its path; data stands', async () => {
    const res = await t.gql<RunsAnswer>(
      '{ namespace(name: "alice") { name runs(first: 50) { nodes { name state pipelineVersion { name } experiment { name } } } } }',
      {},
      { user: 'grace@example.com' },
    );
    expect(res.status).toBe(200);
    const data = res.body.data;
    expect(data).not.toBeNull();
    const runs = data?.namespace.runs.nodes ?? [];
    expect(runs.length).toBe(18);
    for (const run of runs) {
      expect(run.name).toMatch(/^(baseline|tuning)-\d+$/);
      expect(run.experiment.name).toMatch(/^(baseline|tuning)$/);
      expect(run.pipelineVersion).toBeNull();
    }
    const errors = res.body.errors ?? [];
    expect(errors).toHaveLength(runs.length);
    expect(errors.map((e) => e.path)).toEqual(runs.map((_, i) => ['namespace', 'runs', 'nodes', i, 'pipelineVersion']));
    for (const e of errors) {
      expect(e.extensions?.code).toBe('FORBIDDEN');
      expect(e.message).toBe('grace@example.com may not get pipelines in namespace alice');
    }
  });

  it('a denied list field on the namespace is null+FORBIDDEN while its siblings answer', async () => {
    const res = await t.gql<{ namespace: { name: string; pipelines: unknown; experiments: { nodes: unknown[] } } }>(
      '{ namespace(name: "alice") { name pipelines { nodes { id } } experiments { nodes { name } } } }',
      {},
      { user: 'grace@example.com' },
    );
    // `pipelines` is non-null in the schema, so its null bubbles to the nearest nullable parent: nothing in
    // between is nullable, which makes `namespace` null. The FORBIDDEN error says exactly which field it was.
    const errors = res.body.errors ?? [];
    expect(errors.map((e) => [e.extensions?.code, e.path])).toEqual([['FORBIDDEN', ['namespace', 'pipelines']]]);
  });

  it('the same caller reads a nullable denied field next to allowed ones on one run', async () => {
    const list = await t.gql<RunsAnswer>('{ namespace(name: "alice") { runs(first: 1) { nodes { name } } } }', {}, { user: 'grace@example.com' });
    const name = list.body.data?.namespace.runs.nodes[0]?.name;
    const res = await t.gql<{ namespace: { runs: { nodes: { id: string; name: string; recurringRun: unknown; pipelineVersion: unknown }[] } } }>(
      '{ namespace(name: "alice") { runs(first: 1) { nodes { id name pipelineVersion { id } recurringRun { id } } } } }',
      {},
      { user: 'grace@example.com' },
    );
    const run = res.body.data?.namespace.runs.nodes[0];
    expect(run?.name).toBe(name);
    expect(run?.pipelineVersion).toBeNull();
    // recurringRun: `jobs get` is denied too; the demo runs have none, but the rule is checked first.
    expect(run?.recurringRun).toBeNull();
    expect((res.body.errors ?? []).map((e) => [e.extensions?.code, e.path?.at(-1)]).sort()).toEqual([
      ['FORBIDDEN', 'pipelineVersion'],
      ['FORBIDDEN', 'recurringRun'],
    ]);
  });

  it('grace is a stranger everywhere else', async () => {
    const res = await t.gql<{ namespaces: { nodes: { name: string }[] } }>('{ namespaces { nodes { name } } }', {}, { user: 'grace@example.com' });
    expect(res.body.data?.namespaces.nodes.map((n) => n.name)).toEqual(['alice']);
  });
});
