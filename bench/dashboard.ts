/**
 * Issue 2, "Benchmark from day one": the dashboard query over N runs.
 *
 *   npx tsx bench/dashboard.ts [N]        (N runs, default 100,000; also part of `npm run bench`)
 *   BENCH_DIALECTS=sqlite npx tsx bench/dashboard.ts 10000
 *
 * For SQLite (a file, as the embedded default) and PostgreSQL (a fresh schema on the local server): seeds N runs
 * spread over the three demo namespaces (bulk INSERTs of 1,000 rows), with experiments, a pipeline version, and
 * ML-Metadata executions and outputs for the newest runs of each namespace (the first pages, which the
 * dashboard reads). Then kfp-graph starts as in production on that store (the Kubernetes emulator over a real
 * socket, SubjectAccessReviews cached across requests) and the dashboard query
 *
 *   namespace(name) { runs(first: 50) { edges { node { experiment { name } pipelineVersion { name }
 *     executions { outputs { uri } } } } } }
 *
 * is sent over HTTP ~100 times, one after another. Printed: latency p50/p95/p99, SQL statements per request, and
 * the ratio to the same data fetched by hand with kysely in this process, in the same number of round trips.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { loadConfig } from '../src/config/config.js';
import { startKfpGraph } from '../src/server/kfp-graph-server.js';
import type { SqlDialect } from '../src/store/sql-dialect.js';
import { openBenchDatabase } from './support/bench-database.js';
import { dashboardByHand } from './support/dashboard-by-hand.js';
import { DASHBOARD_QUERY, type DashboardData } from './support/dashboard-query.js';
import { seedDashboard } from './support/dashboard-seed.js';
import { measure, ms, type LatencyStats } from './support/latency-stats.js';

const DEFAULT_RUNS = 100_000;
const REQUESTS = 100;
const WARMUP = 10;
const PAGE = 50;
/** Runs per namespace that get ML-Metadata: the first pages, enough for any page the benchmark reads. */
const WITH_METADATA = 100;
/** Share of the runs per demo namespace; the dashboard reads the biggest. */
const SPREAD: readonly (readonly [string, number])[] = [
  ['alice', 0.5],
  ['ml-research', 0.3],
  ['bob', 0.2],
];
const USER = 'alice@example.com';

function runsArgument(): number {
  const raw = process.argv[2] ?? process.env.BENCH_N;
  if (raw === undefined) return DEFAULT_RUNS;
  const n = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < SPREAD.length) throw new Error(`N must be an integer ≥ ${SPREAD.length}, got ${raw}`);
  return n;
}

function dialects(): Exclude<SqlDialect, 'mysql'>[] {
  const wanted = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((d) => d.trim());
  const known = wanted.filter((d): d is 'sqlite' | 'postgres' => d === 'sqlite' || d === 'postgres');
  if (known.length !== wanted.length) throw new Error(`BENCH_DIALECTS: sqlite and/or postgres, got ${wanted.join(',')}`);
  return known;
}

interface Result {
  readonly dialect: string;
  readonly seedSeconds: number;
  readonly server: LatencyStats;
  readonly byHand: LatencyStats;
  readonly statements: number;
  readonly handStatements: number;
}

async function benchmark(dialect: 'sqlite' | 'postgres', total: number): Promise<Result> {
  const database = await openBenchDatabase(dialect);
  const { store } = database;
  try {
    const seedStart = performance.now();
    let remaining = total;
    for (const [i, [namespace, share]] of SPREAD.entries()) {
      const runs = i === SPREAD.length - 1 ? remaining : Math.floor(total * share);
      remaining -= runs;
      await seedDashboard(store, { namespace, runs, withMetadata: WITH_METADATA });
    }
    // Planner statistics, as autovacuum (PostgreSQL) would gather after a bulk load; without them PostgreSQL
    // estimates one row per table and may drive the namespace subqueries from every run context.
    await sql`analyze`.execute(store.db);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    process.stdout.write(`  [${dialect}] seeded ${total.toLocaleString('en-US')} runs in ${seedSeconds.toFixed(1)} s\n`);

    const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DEMO_SEED: 'false', SYNC: 'false', GRAPHIQL: 'false' }, []);
    const server = await startKfpGraph(config, { store, metricsDefaults: false });
    try {
      const namespace = SPREAD[0]?.[0] as string;
      const body = JSON.stringify({ query: DASHBOARD_QUERY, variables: { namespace, first: PAGE } });
      const request = async (): Promise<DashboardData> => {
        const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'kubeflow-userid': USER }, body });
        const json = (await response.json()) as { data?: DashboardData; errors?: unknown[] };
        if (json.errors) throw new Error(`dashboard query failed: ${JSON.stringify(json.errors)}`);
        return json.data as DashboardData;
      };
      // The two must agree before either is timed.
      const viaServer = await request();
      const viaHand = await dashboardByHand(store.db, namespace, PAGE);
      if (JSON.stringify(viaServer) !== JSON.stringify(viaHand)) throw new Error('the hand-written SQL and the server disagree on the dashboard data');
      if ((viaServer.namespace?.runs.edges.length ?? 0) !== Math.min(PAGE, Math.floor(total * (SPREAD[0]?.[1] ?? 0)))) {
        throw new Error('the dashboard page is not full');
      }

      for (let i = 0; i < WARMUP; i += 1) await request();
      const before = store.statements.count;
      const serverStats = await measure(REQUESTS, request);
      const statements = (store.statements.count - before) / REQUESTS;

      for (let i = 0; i < WARMUP; i += 1) await dashboardByHand(store.db, namespace, PAGE);
      const handBefore = store.statements.count;
      // The server's answer is serialized JSON; so is the hand-written one, to compare like with like.
      const byHand = await measure(REQUESTS, async () => JSON.stringify(await dashboardByHand(store.db, namespace, PAGE)));
      const handStatements = (store.statements.count - handBefore) / REQUESTS;
      return { dialect, seedSeconds, server: serverStats, byHand, statements, handStatements };
    } finally {
      await server.close();
    }
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  const total = runsArgument();
  process.stdout.write(`dashboard query, ${total.toLocaleString('en-US')} runs, runs(first: ${PAGE}), ${REQUESTS} sequential requests over HTTP\n`);
  const results: Result[] = [];
  for (const dialect of dialects()) results.push(await benchmark(dialect, total));
  process.stdout.write('\n');
  for (const r of results) {
    process.stdout.write(
      [
        `${r.dialect}:`,
        `  kfp-graph over HTTP  p50 ${ms(r.server.p50)}  p95 ${ms(r.server.p95)}  p99 ${ms(r.server.p99)}  (${r.statements.toFixed(1)} SQL statements/request)`,
        `  same SQL by hand     p50 ${ms(r.byHand.p50)}  p95 ${ms(r.byHand.p95)}  p99 ${ms(r.byHand.p99)}  (${r.handStatements.toFixed(1)} SQL statements/request)`,
        `  ratio (p50)          ${(r.server.p50 / r.byHand.p50).toFixed(2)}×   (p95 ${(r.server.p95 / r.byHand.p95).toFixed(2)}×)`,
        '',
      ].join('\n'),
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
