import { randomUUID } from 'node:crypto';
import type { AppServices } from '../app/app-services.js';
import { MetadataWriter } from '../mlmd/metadata-writer.js';
import type { RecordedExecution } from '../mlmd/run-record.js';
import type { RunRow } from '../store/database.js';
import { HELLO_WORLD, TRAIN_AND_EVALUATE } from './demo-pipelines.js';
import { DEMO_TENANTS } from './tenants.js';
import type { Identity } from '../identity/identity.js';

/** Who the demo objects are written as: the seed runs before any request, so no caller exists. */
const SEEDER: Identity = { user: 'kfp-graph-demo-seed', groups: [], source: 'anonymous' };

const RUN_STATES = ['SUCCEEDED', 'SUCCEEDED', 'FAILED', 'RUNNING', 'PENDING', 'CANCELED', 'CANCELING', 'PAUSED', 'SKIPPED'] as const;
const HOUR = 3_600_000;

/**
 * Fills an empty store with the demo tenants' experiments, pipelines (one shared), runs in every state, and
 * the executions and artifacts of each run with their lineage (prepare → dataset → train → model → evaluate).
 * Returns false and writes nothing when any experiment exists already.
 */
export async function seedDemoData(app: AppServices): Promise<boolean> {
  const existing = await app.store.db.selectFrom('experiments').select('id').limit(1).executeTakeFirst();
  if (existing) return false;
  const writer = new MetadataWriter(app.store.db, app.store.dialect);
  const shared = await app.pipelines.create(
    {
      namespace: null,
      name: 'hello-world',
      description: 'A shared pipeline every tenant may run.',
      version: { name: 'v1', spec: HELLO_WORLD },
    },
    SEEDER,
  );
  const start = app.now() - 48 * HOUR;
  let tick = 0;
  for (const tenant of DEMO_TENANTS) {
    const own = await app.pipelines.create(
      {
        namespace: tenant.namespace,
        name: 'train-and-evaluate',
        description: `Trains and evaluates a model in ${tenant.namespace}.`,
        version: { name: 'v1', spec: TRAIN_AND_EVALUATE },
      },
      SEEDER,
    );
    for (const experimentName of ['baseline', 'tuning']) {
      const experiment = await app.experiments.create({ namespace: tenant.namespace, name: experimentName, description: `${experimentName} runs` }, SEEDER);
      for (const [i, state] of RUN_STATES.entries()) {
        tick += 1;
        const createdAt = start + tick * 10 * 60_000;
        const useShared = i % 3 === 0;
        const finished = ['SUCCEEDED', 'FAILED', 'CANCELED', 'SKIPPED'].includes(state);
        const run: RunRow = {
          id: randomUUID(),
          namespace: tenant.namespace,
          experiment_id: experiment.id,
          pipeline_version_id: (useShared ? shared.version : own.version)?.id ?? null,
          recurring_run_id: null,
          name: `${experimentName}-${i + 1}`,
          description: '',
          state,
          storage_state: 'AVAILABLE',
          parameters: JSON.stringify(useShared ? { message: `hello from ${tenant.namespace}` } : { epochs: String(i + 1), 'learning-rate': '0.01' }),
          service_account: 'default-editor',
          workflow_name: null,
          workflow_status: null,
          workflow_resource_version: null,
          created_by: tenant.owner,
          created_at: createdAt,
          scheduled_at: createdAt,
          finished_at: finished ? createdAt + 5 * 60_000 : null,
          updated_at: createdAt,
          pending_since: null,
        };
        await app.repositories.runs.insert(run);
        if (!useShared && state !== 'PENDING') {
          await writer.recordRun(
            { runId: run.id, namespace: tenant.namespace, pipelineName: 'train-and-evaluate', executions: trainExecutions(run, state, tenant.namespace) },
            createdAt,
          );
        }
      }
    }
  }
  return true;
}

function trainExecutions(run: RunRow, state: string, namespace: string): RecordedExecution[] {
  // KFP >= 2.15's per-namespace pipeline root (pipelines-profile-controller sync.py), extended with
  // <pipeline>/<run ID> as the driver's GenerateOutputURI does (backend/src/v2/metadata/client.go).
  const root = `minio://mlpipeline/private-artifacts/${namespace}/v2/artifacts/train-and-evaluate/${run.id}`;
  const at = run.created_at;
  const failedAt = state === 'FAILED' ? 'evaluate' : state === 'RUNNING' || state === 'CANCELING' || state === 'PAUSED' ? 'train' : null;
  const stateOf = (_task: string, order: number): RecordedExecution['state'] => {
    if (failedAt === null) return state === 'CANCELED' && order === 2 ? 'CANCELED' : 'COMPLETE';
    const failedOrder = failedAt === 'evaluate' ? 2 : 1;
    if (order < failedOrder) return 'COMPLETE';
    if (order === failedOrder) return state === 'FAILED' ? 'FAILED' : 'RUNNING';
    return 'NEW';
  };
  const dataset = { uri: `${root}/prepare/dataset`, name: 'dataset', type: 'system.Dataset' };
  const model = { uri: `${root}/train/model`, name: 'model', type: 'system.Model' };
  const metrics = { uri: `${root}/evaluate/metrics`, name: 'metrics', type: 'system.Metrics' };
  const base = { type: 'system.ContainerExecution' as const, createdAt: at, updatedAt: at + 60_000 };
  const props = (task: string) => ({ task_name: task, pod_name: `${run.name}-${task}`, namespace, run_id: run.id, image: 'python:3.12-slim' });
  const executions: RecordedExecution[] = [
    { ...base, key: `${run.id}/prepare`, name: 'prepare', state: stateOf('prepare', 0), customProperties: props('prepare'), outputs: [dataset] },
  ];
  if (stateOf('train', 1) !== 'NEW') {
    executions.push({
      ...base,
      key: `${run.id}/train`,
      name: 'train',
      state: stateOf('train', 1),
      customProperties: props('train'),
      inputs: [dataset],
      ...(stateOf('train', 1) === 'COMPLETE' ? { outputs: [model] } : {}),
    });
  }
  if (stateOf('evaluate', 2) !== 'NEW') {
    executions.push({
      ...base,
      key: `${run.id}/evaluate`,
      name: 'evaluate',
      state: stateOf('evaluate', 2),
      customProperties: props('evaluate'),
      inputs: [model],
      ...(stateOf('evaluate', 2) === 'COMPLETE' ? { outputs: [metrics] } : {}),
    });
  }
  return executions;
}
