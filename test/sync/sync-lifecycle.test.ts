import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../../src/ids/global-id.js';
import { readFileSync } from 'node:fs';
import { fnv32a } from '../../src/kube/workflow/pod-name.js';
import { UPSTREAM_FIXTURES } from '../support/upstream-fixtures.js';
import { succeededV2 } from '../workflow/kfp-v2-status.js';
import { DIALECTS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { adminWorkflows, argoFixture, CREATE_RUN, experimentOf, waitFor } from '../runs/run-helpers.js';

const ALICE = { user: 'alice@example.com' };

describe.each(DIALECTS)('the sync controller drives runs from their Workflows (%s)', (dialect) => {
  let t: TestServer;
  let admin: ReturnType<typeof adminWorkflows>;
  let experimentId: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect, env: { SYNC: 'true', LEASE_DURATION_MS: '2000', WORKFLOW_READ_TIMEOUT_MS: '1000' } });
    admin = adminWorkflows(t.emulator);
    experimentId = (await experimentOf(t.server.app.store.db, 'alice')).globalId;
  });
  afterAll(async () => t?.close());

  async function createRun(fixture: string, name: string): Promise<{ id: string; local: string; workflow: string }> {
    const res = await t.gql<{ createRun: { run: { id: string } } }>(
      CREATE_RUN,
      { input: { namespace: 'alice', experimentId, workflowSpec: argoFixture(fixture), name } },
      ALICE,
    );
    expect(res.body.errors).toBeUndefined();
    const id = res.body.data?.createRun.run.id ?? '';
    const local = fromGlobalId(id).id;
    const workflow = (await t.server.app.repositories.runs.byIds([local]))[0]?.workflow_name ?? '';
    return { id, local, workflow };
  }

  const row = async (local: string) => (await t.server.app.repositories.runs.byIds([local]))[0];

  /** The run's executions with their custom properties (GraphQL), and its run context's properties (MLMD). */
  async function runShape(
    id: string,
  ): Promise<{ executions: { id: string; type: string; name: string; customProperties: Record<string, unknown> }[]; context: Record<string, string | null> }> {
    const res = await t.gql<{ run: { executions: { id: string; type: string; name: string; customProperties: Record<string, unknown> }[] } }>(
      `query($id: ID!) { run(id: $id) { executions { id type name customProperties } } }`,
      { id },
      ALICE,
    );
    expect(res.body.errors).toBeUndefined();
    const rows = await t.server.app.store.db
      .selectFrom('ContextProperty')
      .innerJoin('Context', 'Context.id', 'ContextProperty.context_id')
      .select(['ContextProperty.name as name', 'ContextProperty.string_value as value'])
      .where('Context.name', '=', fromGlobalId(id).id)
      .execute();
    return { executions: res.body.data?.run.executions ?? [], context: Object.fromEntries(rows.map((r) => [r.name, r.value])) };
  }

  it('maps every Argo phase to the RunState of the stored run, with the snapshot and finish time', async () => {
    const run = await createRun('hello-world', 'phases');
    const steps: readonly [object, string][] = [
      [{ status: { phase: 'Pending' } }, 'PENDING'],
      [{ status: { phase: 'Running', startedAt: '2026-01-01T00:00:00Z' } }, 'RUNNING'],
      [{ spec: { suspend: true } }, 'PAUSED'],
      [{ spec: { suspend: null } }, 'RUNNING'],
      [{ status: { phase: 'Error' } }, 'FAILED'],
      [{ status: { phase: 'Failed' } }, 'FAILED'],
      [{ status: { phase: 'Succeeded', finishedAt: '2026-01-01T00:01:00Z' } }, 'SUCCEEDED'],
    ];
    for (const [patch, state] of steps) {
      const written = await admin.patch('alice', run.workflow, patch);
      await waitFor(async () => (await row(run.local))?.workflow_resource_version === written.metadata.resourceVersion, 5_000, `state ${state}`);
      expect((await row(run.local))?.state).toBe(state);
    }
    const final = await row(run.local);
    expect(final?.finished_at).toBe(Date.parse('2026-01-01T00:01:00Z'));
    expect(JSON.parse(final?.workflow_status ?? '{}')).toMatchObject({ phase: 'Succeeded' });

    const stopped = await createRun('hello-world', 'stopped');
    await t.gql(`mutation($id: ID!) { terminateRun(input: { id: $id }) { run { state } } }`, { id: stopped.id }, ALICE);
    const running = await admin.patch('alice', stopped.workflow, { status: { phase: 'Running' } });
    await waitFor(async () => (await row(stopped.local))?.workflow_resource_version === running.metadata.resourceVersion);
    expect((await row(stopped.local))?.state).toBe('CANCELING');
    const failed = await admin.patch('alice', stopped.workflow, { status: { phase: 'Failed', message: "Stopped with strategy 'Terminate'" } });
    await waitFor(async () => (await row(stopped.local))?.workflow_resource_version === failed.metadata.resourceVersion);
    expect((await row(stopped.local))?.state).toBe('CANCELED');
  });

  it('records executions and artifacts of artifact-passing in MLMD, linked by INPUT/OUTPUT events, readable through GraphQL', async () => {
    const run = await createRun('artifact-passing', 'artifacts');
    const name = run.workflow;
    const key = `${name}/${name}-hello-world-to-file-${fnv32a(`${name}[0].generate-artifact`)}/hello-art.tgz`;
    const id = (n: string) => `${name}-${fnv32a(n)}`;
    const repo = {
      default: true,
      artifactRepository: { s3: { bucket: 'mlpipeline', endpoint: 'minio-service.kubeflow:9000', keyFormat: 'artifacts/{{workflow.name}}' } },
    };
    await admin.patch('alice', name, {
      status: {
        phase: 'Succeeded',
        startedAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:00:30Z',
        progress: '2/2',
        artifactRepositoryRef: repo,
        nodes: {
          [name]: {
            id: name,
            name,
            displayName: name,
            type: 'Steps',
            phase: 'Succeeded',
            templateName: 'artifact-example',
            children: [id(`${name}[0]`)],
            startedAt: '2026-01-01T00:00:00Z',
          },
          [id(`${name}[0]`)]: {
            id: id(`${name}[0]`),
            name: `${name}[0]`,
            displayName: '[0]',
            type: 'StepGroup',
            phase: 'Succeeded',
            boundaryID: name,
            children: [id(`${name}[0].generate-artifact`)],
            startedAt: '2026-01-01T00:00:00Z',
          },
          [id(`${name}[0].generate-artifact`)]: {
            id: id(`${name}[0].generate-artifact`),
            name: `${name}[0].generate-artifact`,
            displayName: 'generate-artifact',
            type: 'Pod',
            phase: 'Succeeded',
            templateName: 'hello-world-to-file',
            boundaryID: name,
            children: [id(`${name}[1]`)],
            startedAt: '2026-01-01T00:00:01Z',
            finishedAt: '2026-01-01T00:00:12Z',
            outputs: { artifacts: [{ name: 'hello-art', path: '/tmp/hello_world.txt', s3: { key } }] },
          },
          [id(`${name}[1]`)]: {
            id: id(`${name}[1]`),
            name: `${name}[1]`,
            displayName: '[1]',
            type: 'StepGroup',
            phase: 'Succeeded',
            boundaryID: name,
            children: [id(`${name}[1].consume-artifact`)],
            startedAt: '2026-01-01T00:00:13Z',
          },
          [id(`${name}[1].consume-artifact`)]: {
            id: id(`${name}[1].consume-artifact`),
            name: `${name}[1].consume-artifact`,
            displayName: 'consume-artifact',
            type: 'Pod',
            phase: 'Succeeded',
            templateName: 'print-message-from-file',
            boundaryID: name,
            startedAt: '2026-01-01T00:00:14Z',
            finishedAt: '2026-01-01T00:00:29Z',
            inputs: { artifacts: [{ name: 'message', path: '/tmp/message', s3: { key } }] },
          },
        },
      },
    });
    await waitFor(async () => (await row(run.local))?.state === 'SUCCEEDED');
    const res = await t.gql<{ run: { executions: { type: string; state: string; inputs: { uri: string }[]; outputs: { uri: string }[] }[] } }>(
      `query($id: ID!) { run(id: $id) { executions { type state inputs { uri } outputs { uri } } } }`,
      { id: run.id },
      ALICE,
    );
    expect(res.body.errors).toBeUndefined();
    const executions = res.body.data?.run.executions ?? [];
    expect(executions).toHaveLength(3);
    const uri = `s3://mlpipeline/${key}`;
    expect(executions).toEqual(
      expect.arrayContaining([
        { type: 'system.DAGExecution', state: 'COMPLETE', inputs: [], outputs: [] },
        { type: 'system.ContainerExecution', state: 'COMPLETE', inputs: [], outputs: [{ uri }] },
        { type: 'system.ContainerExecution', state: 'COMPLETE', inputs: [{ uri }], outputs: [] },
      ]),
    );
    // KFP's shape (backend/src/v2/metadata/client.go): the tasks name the root DAG's MLMD ID as parent_dag_id.
    const shaped = await runShape(run.id);
    const dag = shaped.executions.find((e) => e.type === 'system.DAGExecution');
    expect(
      shaped.executions
        .filter((e) => e.type === 'system.ContainerExecution')
        .map((e) => e.customProperties)
        .sort((a, b) => String(a.task_name).localeCompare(String(b.task_name))),
    ).toEqual([
      expect.objectContaining({
        display_name: 'consume-artifact',
        task_name: 'consume-artifact',
        pod_name: `${name}-print-message-from-file-${fnv32a(`${name}[1].consume-artifact`)}`,
        namespace: 'alice',
        image: 'busybox',
        parent_dag_id: Number(fromGlobalId(dag?.id ?? '').id),
      }),
      expect.objectContaining({
        display_name: 'generate-artifact',
        task_name: 'generate-artifact',
        namespace: 'alice',
        image: 'busybox',
        parent_dag_id: Number(fromGlobalId(dag?.id ?? '').id),
      }),
    ]);
    // <pipeline root>/<pipeline>/<run ID> (GenerateOutputURI); a spec run without a pipeline is named by its Workflow.
    expect(shaped.context).toEqual({
      namespace: 'alice',
      resource_name: name,
      pipeline_root: `minio://mlpipeline/private-artifacts/alice/v2/artifacts/artifacts/${run.local}`,
    });
    // bob cannot see alice's lineage through his own run context.
    const context = await t.server.app.store.db
      .selectFrom('ContextProperty')
      .innerJoin('Context', 'Context.id', 'ContextProperty.context_id')
      .select(['ContextProperty.string_value as ns'])
      .where('Context.name', '=', run.local)
      .where('ContextProperty.name', '=', 'namespace')
      .executeTakeFirst();
    expect(context?.ns).toBe('alice');
  });

  // KFP: backend/src/v2/driver/root_dag.go and container.go — a v2 run has one DAGExecution for its root DAG and one
  // execution per task, named after the task; the driver and launcher pods are KFP's machinery, not executions.
  it("records a KFP-compiled v2 run as KFP's driver would: the root DAG and one execution per task, no driver pods", async () => {
    const res = await t.gql<{ createRun: { run: { id: string } } }>(
      CREATE_RUN,
      { input: { namespace: 'alice', experimentId, workflowSpec: readFileSync(`${UPSTREAM_FIXTURES}kfp/pipeline_with_after.yaml`, 'utf8'), name: 'v2 after' } },
      ALICE,
    );
    expect(res.body.errors).toBeUndefined();
    const id = res.body.data?.createRun.run.id ?? '';
    const local = fromGlobalId(id).id;
    const name = (await row(local))?.workflow_name ?? '';
    const tasks = ['print-text', 'print-text-2', 'print-text-3'];
    await admin.patch('alice', name, { status: succeededV2('pipeline_with_after', name, tasks, true).status });
    await waitFor(async () => (await row(local))?.state === 'SUCCEEDED');
    const shaped = await runShape(id);
    const dag = shaped.executions.find((e) => e.type === 'system.DAGExecution');
    expect(dag).toMatchObject({ name: '', customProperties: { display_name: '', task_name: '' } });
    expect(
      shaped.executions
        .filter((e) => e.type === 'system.ContainerExecution')
        .map((e) => [e.name, e.customProperties.task_name, e.customProperties.parent_dag_id])
        .sort(),
    ).toEqual(tasks.map((task) => [task, task, Number(fromGlobalId(dag?.id ?? '').id)]));
    expect(shaped.executions).toHaveLength(4);
    expect(shaped.context).toMatchObject({ namespace: 'alice', resource_name: name });
  });

  it('Run.workflow is read live (phase, progress, nodes) and the run outlives its garbage-collected Workflow', async () => {
    const run = await createRun('hello-world', 'gc');
    const written = await admin.patch('alice', run.workflow, {
      status: {
        phase: 'Succeeded',
        progress: '1/1',
        nodes: {
          [run.workflow]: { id: run.workflow, name: run.workflow, displayName: run.workflow, type: 'Pod', phase: 'Succeeded', templateName: 'hello-world' },
        },
      },
    });
    await waitFor(async () => (await row(run.local))?.workflow_resource_version === written.metadata.resourceVersion);
    const query = `query($id: ID!) { run(id: $id) { state workflow { phase progress live stale nodes { name type phase podName templateName } } } }`;
    const live = await t.gql<{
      run: { state: string; workflow: { phase: string; progress: string; live: boolean; stale: boolean; nodes: { podName: string }[] } };
    }>(query, { id: run.id }, ALICE);
    expect(live.body.data?.run.workflow).toMatchObject({ phase: 'Succeeded', progress: '1/1', live: true, stale: false });
    expect(live.body.data?.run.workflow.nodes[0]?.podName).toBe(run.workflow);
    await admin.remove('alice', run.workflow);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await t.gql<{ run: { state: string; workflow: { phase: string; live: boolean; stale: boolean } } }>(query, { id: run.id }, ALICE);
    expect(after.body.data?.run).toMatchObject({ state: 'SUCCEEDED', workflow: { phase: 'Succeeded', live: false, stale: false } });
  });

  it("subscriptions: the tenant receives its run's updates; a stranger receives nothing", async () => {
    const run = await createRun('hello-world', 'subscribed');
    const url = t.url.replace(/^http/, 'ws');
    // The user header is the auth proxy's, on the upgrade request (connectionParams cannot carry it).
    const connect = (user: string): Client =>
      createClient({
        url,
        lazy: true,
        retryAttempts: 0,
        webSocketImpl: class extends WebSocket {
          constructor(address: string, protocols?: string | string[]) {
            super(address, protocols, { headers: { 'kubeflow-userid': user } });
          }
        },
      });
    const alice = connect('alice@example.com');
    const stranger = connect('mallory@example.com');
    const query = `subscription($ns: String!, $run: ID) { runUpdated(namespace: $ns, runId: $run) { runId state phase run { name } } }`;
    const received: { runId: string; state: string; phase: string }[] = [];
    const strangerSaw: unknown[] = [];
    const strangerErrors: unknown[] = [];
    const stopAlice = alice.subscribe<{ runUpdated: { runId: string; state: string; phase: string } }>(
      { query, variables: { ns: 'alice', run: run.id } },
      {
        next: (value) => value.data && received.push(value.data.runUpdated),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    const stopStranger = stranger.subscribe(
      { query, variables: { ns: 'alice' } },
      {
        next: (value) => (value.data ? strangerSaw.push(value.data) : strangerErrors.push(value.errors)),
        error: (e) => strangerErrors.push(e),
        complete: () => undefined,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await admin.patch('alice', run.workflow, { status: { phase: 'Running' } });
    await admin.patch('alice', run.workflow, { status: { phase: 'Succeeded' } });
    await waitFor(() => received.some((e) => e.state === 'SUCCEEDED'), 5_000, 'SUCCEEDED update');
    expect(received.map((e) => e.state)).toEqual(expect.arrayContaining(['RUNNING', 'SUCCEEDED']));
    expect(received.every((e) => e.runId === run.id)).toBe(true);
    expect(strangerSaw).toEqual([]);
    expect(JSON.stringify(strangerErrors)).toContain('NOT_FOUND');
    stopAlice();
    stopStranger();
    await alice.dispose();
    await stranger.dispose();
  });

  it('when the cluster does not answer, Run.workflow is the stored snapshot with an UNAVAILABLE error entry', async () => {
    const run = await createRun('hello-world', 'stale');
    const written = await admin.patch('alice', run.workflow, { status: { phase: 'Running', progress: '0/1' } });
    await waitFor(async () => (await row(run.local))?.workflow_resource_version === written.metadata.resourceVersion);
    const query = `query($id: ID!) { run(id: $id) { state workflow { phase progress stale staleReason } } }`;
    expect((await t.gql(query, { id: run.id }, ALICE)).body.errors).toBeUndefined(); // warms the authorizer's cache
    await t.server.sync?.stop();
    await t.emulator.close();
    const res = await t.gql<{ run: { state: string; workflow: { phase: string; progress: string; stale: boolean; staleReason: string } } }>(
      query,
      { id: run.id },
      ALICE,
    );
    expect(res.body.data?.run).toMatchObject({ state: 'RUNNING', workflow: { phase: 'Running', progress: '0/1', stale: true } });
    expect(res.body.errors).toEqual([expect.objectContaining({ path: ['run', 'workflow'], extensions: { code: 'UNAVAILABLE' } })]);
    expect(res.body.errors?.[0]?.message).toContain('may be stale');
  });
});
