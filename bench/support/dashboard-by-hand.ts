import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/database.js';
import { KFP_TYPES, NAMESPACE_PROPERTY, OUTPUT_EVENT_TYPES, TYPE_KINDS } from '../../src/mlmd/mlmd-enums.js';
import { IS_CUSTOM } from '../../src/mlmd/scope-conditions.js';
import type { DashboardData } from './dashboard-query.js';

/**
 * The dashboard query written by hand with kysely: the same data, in the same shape, in the same number of
 * round trips the GraphQL server needs (runs page; experiments; versions; executions of the runs' PipelineRun
 * contexts in the namespace; OUTPUT events with their artifacts), with no GraphQL, DataLoader, authorization or
 * HTTP. What the server adds on top of this is its overhead.
 */
export async function dashboardByHand(db: Kysely<Database>, namespace: string, first: number): Promise<DashboardData> {
  const runs = await db
    .selectFrom('runs')
    .select(['id', 'experiment_id', 'pipeline_version_id', 'created_at'])
    .where('namespace', '=', namespace)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(first + 1)
    .execute();
  const page = runs.slice(0, first);
  if (page.length === 0) return { namespace: { runs: { edges: [] } } };
  const experimentIds = [...new Set(page.map((r) => r.experiment_id))];
  const versionIds = [...new Set(page.flatMap((r) => (r.pipeline_version_id ? [r.pipeline_version_id] : [])))];
  const [experiments, versions] = await Promise.all([
    db.selectFrom('experiments').select(['id', 'name']).where('id', 'in', experimentIds).execute(),
    versionIds.length === 0 ? Promise.resolve([]) : db.selectFrom('pipeline_versions').select(['id', 'name']).where('id', 'in', versionIds).execute(),
  ]);
  const { executionsOf } = await executionsByHand(
    db,
    namespace,
    page.map((r) => r.id),
  );
  const experimentName = new Map(experiments.map((e) => [e.id, e.name]));
  const versionName = new Map(versions.map((v) => [v.id, v.name]));
  return {
    namespace: {
      runs: {
        edges: page.map((r) => ({
          node: {
            experiment: { name: experimentName.get(r.experiment_id) as string },
            pipelineVersion: r.pipeline_version_id ? { name: versionName.get(r.pipeline_version_id) as string } : null,
            executions: executionsOf.get(r.id) ?? [],
          },
        })),
      },
    },
  };
}

/** The metadata half of the dashboard by hand: each run's executions (PipelineRun context in the namespace) and their outputs, in two statements. */
export async function executionsByHand(
  db: Kysely<Database>,
  namespace: string,
  runIds: readonly string[],
): Promise<{ executionsOf: Map<string, { outputs: { uri: string | null }[] }[]> }> {
  const executions = await db
    .selectFrom('Context as c')
    .innerJoin('Type as ct', 'ct.id', 'c.type_id')
    .innerJoin('ContextProperty as cp', 'cp.context_id', 'c.id')
    .innerJoin('Association as s', 's.context_id', 'c.id')
    .innerJoin('Execution as x', 'x.id', 's.execution_id')
    .select(['c.name as run_id', 'x.id'])
    .where('ct.name', '=', KFP_TYPES.pipelineRun)
    .where('ct.type_kind', '=', TYPE_KINDS.context)
    .where('cp.name', '=', NAMESPACE_PROPERTY)
    .where('cp.is_custom_property', '=', IS_CUSTOM)
    .where('cp.string_value', '=', namespace)
    .where('c.name', 'in', runIds)
    .orderBy('x.create_time_since_epoch')
    .orderBy('x.id')
    .execute();
  const outputs =
    executions.length === 0
      ? []
      : await db
          .selectFrom('Event as e')
          .innerJoin('Artifact as a', 'a.id', 'e.artifact_id')
          .select(['e.execution_id', 'a.uri'])
          .where(
            'e.execution_id',
            'in',
            executions.map((x) => Number(x.id)),
          )
          .where('e.type', 'in', [...OUTPUT_EVENT_TYPES])
          .orderBy('e.id')
          .execute();
  const uris = new Map<number, { uri: string | null }[]>();
  for (const o of outputs) {
    const list = uris.get(Number(o.execution_id)) ?? [];
    list.push({ uri: o.uri });
    uris.set(Number(o.execution_id), list);
  }
  const executionsOf = new Map<string, { outputs: { uri: string | null }[] }[]>();
  for (const x of executions) {
    const list = executionsOf.get(x.run_id as string) ?? [];
    list.push({ outputs: uris.get(Number(x.id)) ?? [] });
    executionsOf.set(x.run_id as string, list);
  }
  return { executionsOf };
}
