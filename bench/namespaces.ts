/**
 * Issue 3, "Speed": listing the namespaces a user may see among 1,000 Kubeflow Profiles.
 *
 *   npx tsx bench/namespaces.ts            (also part of `npm run bench`)
 *
 * kfp-graph runs as in production, against the built-in Kubernetes emulator over a real socket (every
 * SubjectAccessReview is an HTTPS request evaluated against the RBAC objects), on an in-memory SQLite store.
 * The emulator holds 1,000 Profiles (the 3 demo tenants plus 997 more); the user is bound in 100 of them.
 *
 * Cold: the first `namespaces(first: 200)` of the user, nothing cached (1,000 `list experiments` reviews).
 * Warm: the same request again, 50 times; the cross-request decision cache answers every question, so a warm
 * request sends no review at all. Target: warm p95 < 50 ms.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/config.js';
import { startKfpGraph } from '../src/server/kfp-graph-server.js';

const PROFILES = 1_000;
const BOUND = 100;
const WARM_REQUESTS = 50;
const TARGET_P95_MS = 50;
const USER = 'bench-user@example.com';
const RBAC = 'rbac.authorization.k8s.io';
const QUERY = '{ namespaces(first: 200) { nodes { name } pageInfo { hasNextPage } } }';

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

async function main(): Promise<void> {
  const config = loadConfig(
    { PORT: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', DATABASE_URL: 'sqlite::memory:', DEMO_SEED: 'false', SYNC: 'false', GRAPHIQL: 'false' },
    [],
  );
  const server = await startKfpGraph(config, { metricsDefaults: false });
  try {
    const emulator = server.cluster.emulator;
    if (!emulator) throw new Error('the benchmark needs the built-in emulator (unset KUBECONFIG)');
    const existing = server.app.directory.list().length;
    const extra = Array.from({ length: PROFILES - existing }, (_, i) => `bench-${String(i + 1).padStart(4, '0')}`);
    const bound = new Set(extra.filter((_, i) => i % Math.floor(extra.length / BOUND) === 0).slice(0, BOUND));
    const setupStart = performance.now();
    emulator.apply(
      extra.flatMap((ns) => [
        { apiVersion: 'kubeflow.org/v1', kind: 'Profile', metadata: { name: ns }, spec: { owner: { kind: 'User', name: `owner-of-${ns}@example.com` } } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'app.kubernetes.io/part-of': 'kubeflow-profile' } } },
        ...(bound.has(ns)
          ? [
              {
                apiVersion: `${RBAC}/v1`,
                kind: 'RoleBinding',
                metadata: { name: 'user-bench-user-clusterrole-edit', namespace: ns, annotations: { role: 'edit', user: USER } },
                roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'kubeflow-edit' },
                subjects: [{ kind: 'User', apiGroup: RBAC, name: USER }],
              },
            ]
          : []),
      ]),
    );
    // The tenant directory learns Profiles from its watch.
    const deadline = Date.now() + 60_000;
    while (server.app.directory.list().length < PROFILES) {
      if (Date.now() > deadline) throw new Error(`the directory saw only ${server.app.directory.list().length} of ${PROFILES} profiles`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const setupMs = performance.now() - setupStart;

    const ask = async (): Promise<{ ms: number; names: string[]; reviews: number }> => {
      const reviewsBefore = server.authorizer.reviews.reviewsSent;
      const start = performance.now();
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'kubeflow-userid': USER },
        body: JSON.stringify({ query: QUERY }),
      });
      const body = (await response.json()) as { data?: { namespaces: { nodes: { name: string }[] } }; errors?: unknown[] };
      const elapsed = performance.now() - start;
      if (!response.ok || body.errors || !body.data) throw new Error(`request failed: ${response.status} ${JSON.stringify(body.errors)}`);
      return { ms: elapsed, names: body.data.namespaces.nodes.map((n) => n.name), reviews: server.authorizer.reviews.reviewsSent - reviewsBefore };
    };

    const cold = await ask();
    if (cold.names.length !== BOUND || !cold.names.every((n) => bound.has(n)))
      throw new Error(`cold request listed ${cold.names.length} namespaces, expected the ${BOUND} bound ones`);
    const warm: number[] = [];
    let warmReviews = 0;
    for (let i = 0; i < WARM_REQUESTS; i += 1) {
      const result = await ask();
      warm.push(result.ms);
      warmReviews += result.reviews;
      if (result.names.length !== BOUND) throw new Error('a warm request listed a different set of namespaces');
    }
    warm.sort((a, b) => a - b);
    const p50 = percentile(warm, 50);
    const p95 = percentile(warm, 95);
    const ok = p95 < TARGET_P95_MS;

    console.log(`namespaces(first: 200) among ${server.app.directory.list().length} profiles, user bound in ${BOUND} (setup ${ms(setupMs)})`);
    console.log(`  cold  ${ms(cold.ms)}  (${cold.reviews} SubjectAccessReviews)`);
    console.log(
      `  warm  p50 ${ms(p50)}  p95 ${ms(p95)}  max ${ms(warm[warm.length - 1] as number)}  over ${WARM_REQUESTS} requests (${warmReviews} SubjectAccessReviews)`,
    );
    console.log(`  warm p95 < ${TARGET_P95_MS} ms: ${ok ? 'PASS' : 'FAIL'}`);
    if (!ok || warmReviews !== 0) process.exitCode = 1;
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
