import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedDashboard } from '../../bench/support/dashboard-seed.js';
import type { AccessRequest } from '../../src/authz/access-request.js';
import type { Identity } from '../../src/identity/identity.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { profileManifests, userBinding, waitForDirectory } from './tenant-manifests.js';

/**
 * Issue 3, "Counting": the dashboard query over 20 namespaces sends at most one SubjectAccessReview per distinct
 * (namespace, resource, verb) cold, and none warm (the cross-request cache answers everything).
 */
const USER = 'multi@example.com';
const DEMO = ['alice', 'bob', 'ml-research'];
const EXTRA = Array.from({ length: 17 }, (_, i) => `team-${String(i + 1).padStart(2, '0')}`);
const ALL = [...DEMO, ...EXTRA];

const DASHBOARD = `query Dashboard {
  namespaces(first: 20) {
    nodes {
      name
      runs(first: 5) {
        nodes { id name state experiment { name } pipelineVersion { name } executions { name outputs { uri } } }
      }
    }
  }
}`;

interface DashboardAnswer {
  namespaces: {
    nodes: {
      name: string;
      runs: { nodes: { experiment: { name: string } | null; pipelineVersion: { name: string } | null; executions: { outputs: { uri: string }[] }[] }[] };
    }[];
  };
}

describe('SubjectAccessReviews of the dashboard over 20 namespaces', () => {
  let t: TestServer;
  const sent: { identity: Identity; request: AccessRequest }[] = [];

  beforeAll(async () => {
    // This test counts reviews; a review timing out on a loaded machine would deny (fail closed) and read as a
    // wrong answer, so the timeout is generous here.
    t = await startTestServer({ env: { AUTHZ_TIMEOUT_MS: '15000' } });
    t.emulator.apply([
      ...EXTRA.flatMap((ns) => profileManifests(ns, USER)),
      ...EXTRA.map((ns) => userBinding(ns, USER)),
      ...DEMO.map((ns) => userBinding(ns, USER, 'admin', 'multi-admin')),
    ]);
    await waitForDirectory(t.server.app.directory, EXTRA);
    for (const [i, ns] of EXTRA.entries()) await seedDashboard(t.server.app.store, { namespace: ns, runs: 3 + (i % 3), experiments: 2 });
    // Record every review that reaches the API server (the cache and the request memo sit in front of it).
    const reviews = t.server.authorizer.reviews;
    const original = reviews.decide.bind(reviews);
    vi.spyOn(reviews, 'decide').mockImplementation(async (identity, request) => {
      sent.push({ identity, request });
      return original(identity, request);
    });
  });
  afterAll(async () => t?.close());

  async function dashboard(): Promise<{ reviews: number; requests: AccessRequest[]; data: DashboardAnswer }> {
    const before = t.server.authorizer.reviews.reviewsSent;
    const from = sent.length;
    const res = await t.gql<DashboardAnswer>(DASHBOARD, {}, { user: USER });
    expect(res.body.errors, JSON.stringify(res.body.errors?.slice(0, 3))).toBeUndefined();
    return {
      reviews: t.server.authorizer.reviews.reviewsSent - before,
      requests: sent.slice(from).map((s) => s.request),
      data: res.body.data as DashboardAnswer,
    };
  }

  it('answers the whole dashboard for the 20 namespaces', async () => {
    // (Runs cold: the next test measures with a cache cleared of this request's decisions.)
    const { data } = await dashboard();
    expect(data.namespaces.nodes.map((n) => n.name)).toEqual([...ALL].sort());
    const runs = data.namespaces.nodes.flatMap((n) => n.runs.nodes);
    expect(runs.length).toBeGreaterThanOrEqual(80);
    for (const run of runs) {
      expect(run.experiment?.name).toMatch(/\S/);
      expect(run.pipelineVersion?.name).toMatch(/\S/);
    }
    expect(runs.flatMap((r) => r.executions.flatMap((e) => e.outputs)).length).toBeGreaterThan(100);
  });

  it('cold: at most one review per distinct (namespace, resource, verb); warm: none', async () => {
    t.server.authorizer.cache.clear();
    const cold = await dashboard();
    const keys = cold.requests.map((r) => `${r.namespace ?? '*'}|${r.resource}|${r.verb}|${r.name ?? ''}`);
    const distinct = new Set(keys);
    console.info(`[counting] cold: ${cold.reviews} SubjectAccessReviews for ${distinct.size} distinct questions over ${ALL.length} namespaces`);
    expect(cold.reviews).toBe(cold.requests.length);
    expect(keys.length).toBe(distinct.size);
    // What the dashboard needs per namespace: list experiments (visible), list runs, get runs (run fields,
    // executions, outputs), get experiments, get pipelines (a version is checked as its pipeline); plus one cluster-wide `list runs` for the
    // metadata scope. Nothing else, and never per row.
    const expected = new Set([
      '*|runs|list|',
      ...ALL.flatMap((ns) => ['experiments|list', 'runs|list', 'runs|get', 'experiments|get', 'pipelines|get'].map((rv) => `${ns}|${rv}|`)),
    ]);
    expect([...distinct].filter((k) => !expected.has(k))).toEqual([]);
    expect(cold.reviews).toBeLessThanOrEqual(expected.size);
    expect(cold.reviews).toBeGreaterThanOrEqual(ALL.length);

    const warm = await dashboard();
    console.info(`[counting] warm: ${warm.reviews} SubjectAccessReviews`);
    expect(warm.reviews).toBe(0);
    expect(warm.data).toEqual(cold.data);
  });

  it('another user pays its own reviews: decisions are keyed by user', async () => {
    const before = t.server.authorizer.reviews.reviewsSent;
    const res = await t.gql<DashboardAnswer>(DASHBOARD, {}, { user: 'carol@example.com' });
    expect(res.body.data?.namespaces.nodes.map((n) => n.name)).toEqual(['ml-research']);
    expect(t.server.authorizer.reviews.reviewsSent - before).toBeGreaterThan(0);
  });
});
