/**
 * Issue 10: the dashboard query in `kfp` mode over KFP's own database.
 *
 *   npx tsx bench/kfp-dashboard.ts [N]     (N run_details rows, default 1,000,000; also part of `npm run bench`)
 *
 * On the local PostgreSQL: a fresh schema with KFP's mlpipeline tables exactly as KFP's GORM AutoMigrate creates
 * them (test/fixtures/upstream/kfp-db/), N run_details rows spread evenly over 100 namespaces (generated in the
 * database, one INSERT … SELECT per namespace, with the columns KFP's API server and persistence agent fill),
 * experiments and a pipeline version per namespace, ML-Metadata for the newest runs of the measured namespace
 * in kfp-graph's own PostgreSQL store. kfp-graph starts in kfp mode (the emulator stands in for the cluster; a
 * KFP API test server answers writes, none are made) and the dashboard query is sent ~100 times over HTTP.
 * Printed: p50/p95/p99, SQL statements per request (KFP's database and the metadata store together), and the
 * ratio to the same minimal SQL by hand.
 */
import 'reflect-metadata';
import { sql, type Kysely } from 'kysely';
import { loadConfig } from '../src/config/config.js';
import type { KfpDatabase } from '../src/kfp/kfp-tables.js';
import { MetadataWriter } from '../src/mlmd/metadata-writer.js';
import { startKfpGraph } from '../src/server/kfp-graph-server.js';
import { openStore } from '../src/store/store-handle.js';
import { startKfpApiTestServer } from '../test/support/kfp-api-test-server.js';
import { createKfpTestDatabase } from '../test/support/kfp-mlpipeline.js';
import { openBenchDatabase } from './support/bench-database.js';
import { executionsByHand } from './support/dashboard-by-hand.js';
import { DASHBOARD_QUERY, type DashboardData } from './support/dashboard-query.js';
import { executionsOf } from './support/dashboard-seed.js';
import { measure, ms } from './support/latency-stats.js';

const DEFAULT_RUNS = 1_000_000;
const NAMESPACES = 100;
const REQUESTS = 100;
const WARMUP = 10;
const PAGE = 50;
const WITH_METADATA = 100;
const T0 = 1_700_000_000;
/** The measured namespace is a demo tenant the emulator knows; the other 99 exist only in KFP's tables. */
const MEASURED = 'alice';
const USER = 'alice@example.com';

const namespaceOf = (i: number) => (i === 0 ? MEASURED : `ns-${i}`);

function runsArgument(): number {
  const raw = process.argv[2] ?? process.env.BENCH_N;
  if (raw === undefined) return DEFAULT_RUNS;
  const n = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < NAMESPACES) throw new Error(`N must be an integer ≥ ${NAMESPACES}, got ${raw}`);
  return n;
}

async function main(): Promise<void> {
  const total = runsArgument();
  const perNamespace = Math.floor(total / NAMESPACES);
  process.stdout.write(
    `kfp-mode dashboard query, ${total.toLocaleString('en-US')} run_details rows in ${NAMESPACES} namespaces (PostgreSQL), runs(first: ${PAGE}), ${REQUESTS} sequential requests\n`,
  );
  const kfp = await createKfpTestDatabase('postgres');
  const own = await openBenchDatabase('postgres');
  const api = await startKfpApiTestServer(kfp.writer);
  const kfpReader = openStore<KfpDatabase>(kfp.url, { readOnly: true });
  try {
    const seedStart = performance.now();
    const db = kfp.writer.db;
    for (let n = 0; n < NAMESPACES; n += 1) {
      const ns = namespaceOf(n);
      for (let e = 0; e < 3; e += 1) await kfp.writer.experiment({ id: `${ns}-exp-${e}`, namespace: ns, name: `experiment-${e}`, createdAtSec: T0 + e });
      await kfp.writer.pipeline({ id: `${ns}-pipeline`, namespace: ns, name: `${ns}-pipeline`, createdAtSec: T0 });
      await kfp.writer.version({
        id: `${ns}-pipeline-v1`,
        pipelineId: `${ns}-pipeline`,
        name: 'v1',
        spec: '{"apiVersion":"argoproj.io/v1alpha1","kind":"Workflow","spec":{"entrypoint":"main","templates":[{"name":"main","container":{"image":"busybox"}}]}}',
        createdAtSec: T0,
      });
      // Interleaved creation times across namespaces, as many tenants submit at once.
      await sql`
        insert into run_details ("UUID", "DisplayName", "Name", "Description", "Namespace", "ExperimentUUID", "StorageState", "ServiceAccount",
          "PipelineId", "PipelineVersionId", "PipelineName", "RuntimeParameters", "CreatedAtInSec", "ScheduledAtInSec", "FinishedAtInSec",
          "Conditions", "State", "PipelineRuntimeManifest", "WorkflowRuntimeManifest")
        select ${ns} || '-run-' || lpad(g::text, 8, '0'), 'run ' || g, 'run-' || g || '-' || ${ns}, '', ${ns}, ${ns} || '-exp-' || (g % 3), 'AVAILABLE', 'pipeline-runner',
          ${`${ns}-pipeline`}, ${`${ns}-pipeline-v1`}, ${`${ns}-pipeline`}, '{}', ${T0} + g * ${NAMESPACES} + ${n}, ${T0} + g * ${NAMESPACES} + ${n}, ${T0} + g * ${NAMESPACES} + ${n} + 60,
          'Succeeded', 'SUCCEEDED', '', ''
        from generate_series(1, ${perNamespace}) g`.execute(db);
    }
    const writer = new MetadataWriter(own.store.db, own.store.dialect);
    for (let g = perNamespace; g > perNamespace - WITH_METADATA && g > 0; g -= 1) {
      const id = `${MEASURED}-run-${String(g).padStart(8, '0')}`;
      await writer.recordRun(
        { runId: id, namespace: MEASURED, pipelineName: `${MEASURED}-pipeline`, executions: executionsOf(id, MEASURED, T0 * 1000) },
        T0 * 1000,
      );
    }
    await sql`analyze`.execute(db);
    await sql`analyze`.execute(own.store.db);
    process.stdout.write(`  seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);

    const config = loadConfig(
      {
        PORT: '0',
        LOG_LEVEL: 'silent',
        DEMO_SEED: 'false',
        SYNC: 'false',
        GRAPHIQL: 'false',
        KFP_MODE: 'kfp',
        KFP_DATABASE_URL: kfp.url,
        KFP_API_URL: api.url,
      },
      [],
    );
    const server = await startKfpGraph(config, { store: own.store, metricsDefaults: false });
    try {
      const body = JSON.stringify({ query: DASHBOARD_QUERY, variables: { namespace: MEASURED, first: PAGE } });
      const request = async (): Promise<DashboardData> => {
        const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'kubeflow-userid': USER }, body });
        const json = (await response.json()) as { data?: DashboardData; errors?: unknown[] };
        if (json.errors) throw new Error(`dashboard query failed: ${JSON.stringify(json.errors)}`);
        return json.data as DashboardData;
      };
      const byHand = () => kfpDashboardByHand(kfpReader.db, own.store.db, MEASURED, PAGE);
      const viaServer = await request();
      if (JSON.stringify(viaServer) !== JSON.stringify(await byHand())) throw new Error('the hand-written SQL and the server disagree on the dashboard data');
      if ((viaServer.namespace?.runs.edges.length ?? 0) !== Math.min(PAGE, perNamespace)) throw new Error('the dashboard page is not full');

      const counted = () => own.store.statements.count + (server.app.kfpStatements?.count ?? 0);
      for (let i = 0; i < WARMUP; i += 1) await request();
      const before = counted();
      const serverStats = await measure(REQUESTS, request);
      const statements = (counted() - before) / REQUESTS;

      const handCounted = () => own.store.statements.count + kfpReader.statements.count;
      for (let i = 0; i < WARMUP; i += 1) await byHand();
      const handBefore = handCounted();
      const hand = await measure(REQUESTS, async () => JSON.stringify(await byHand()));
      const handStatements = (handCounted() - handBefore) / REQUESTS;
      process.stdout.write(
        [
          '',
          'postgres (kfp mode):',
          `  kfp-graph over HTTP  p50 ${ms(serverStats.p50)}  p95 ${ms(serverStats.p95)}  p99 ${ms(serverStats.p99)}  (${statements.toFixed(1)} SQL statements/request)`,
          `  same SQL by hand     p50 ${ms(hand.p50)}  p95 ${ms(hand.p95)}  p99 ${ms(hand.p99)}  (${handStatements.toFixed(1)} SQL statements/request)`,
          `  ratio (p50)          ${(serverStats.p50 / hand.p50).toFixed(2)}×   (p99 ${(serverStats.p99 / hand.p99).toFixed(2)}×)`,
          '',
        ].join('\n'),
      );
    } finally {
      await server.close();
    }
  } finally {
    await kfpReader.close();
    await api.close();
    await own.close();
    await kfp.close();
  }
}

/** The same data by hand: the runs page on namespace_createatinsec, experiments, versions, then the metadata. */
async function kfpDashboardByHand(
  kfp: Kysely<KfpDatabase>,
  metadata: Parameters<typeof executionsByHand>[0],
  namespace: string,
  first: number,
): Promise<DashboardData> {
  const runs = await kfp
    .selectFrom('run_details')
    .select(['UUID', 'ExperimentUUID', 'PipelineVersionId'])
    .where('Namespace', '=', namespace)
    .orderBy('CreatedAtInSec', 'desc')
    .orderBy('UUID', 'desc')
    .limit(first + 1)
    .execute();
  const page = runs.slice(0, first);
  const versionIds = [...new Set(page.flatMap((r) => (r.PipelineVersionId ? [r.PipelineVersionId] : [])))];
  const [experiments, versions] = await Promise.all([
    kfp
      .selectFrom('experiments')
      .select(['UUID', 'Name'])
      .where('UUID', 'in', [...new Set(page.map((r) => r.ExperimentUUID))])
      .execute(),
    versionIds.length === 0 ? Promise.resolve([]) : kfp.selectFrom('pipeline_versions').select(['UUID', 'Name']).where('UUID', 'in', versionIds).execute(),
  ]);
  const { executionsOf: executions } = await executionsByHand(
    metadata,
    namespace,
    page.map((r) => r.UUID),
  );
  const experimentName = new Map(experiments.map((e) => [e.UUID, e.Name]));
  const versionName = new Map(versions.map((v) => [v.UUID, v.Name]));
  return {
    namespace: {
      runs: {
        edges: page.map((r) => ({
          node: {
            experiment: { name: experimentName.get(r.ExperimentUUID) as string },
            pipelineVersion: r.PipelineVersionId ? { name: versionName.get(r.PipelineVersionId) as string } : null,
            executions: executions.get(r.UUID) ?? [],
          },
        })),
      },
    },
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
