import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../../src/ids/global-id.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { adminWorkflows, argoFixture, CREATE_RUN, experimentOf, versionOf } from './run-helpers.js';

/**
 * `requestId` on create mutations: a retry returns what the first request created, one object and (for runs)
 * one Workflow; the key is scoped per user and refuses being reused for a different request.
 */
const ALICE = { user: 'alice@example.com' };
const CAROL = { user: 'carol@example.com' };

type CreateRunData = { createRun: { run: { id: string; name: string } } | null };

describe('idempotent creates (requestId)', () => {
  let t: TestServer;
  let experiment: { id: string; globalId: string };
  beforeAll(async () => {
    t = await startTestServer();
    experiment = await experimentOf(t.server.app.store.db, 'alice');
  });
  afterAll(async () => t?.close());

  const runInput = (name: string, requestId: string, more: Record<string, unknown> = {}) => ({
    input: { namespace: 'alice', experimentId: experiment.globalId, workflowSpec: argoFixture('hello-world'), name, requestId, ...more },
  });

  async function rowsNamed(name: string): Promise<number> {
    const rows = await t.server.app.store.db.selectFrom('runs').select('id').where('name', '=', name).execute();
    return rows.length;
  }

  it('createRun sent twice with one requestId creates one run and one Workflow, and answers both with it', async () => {
    const admin = adminWorkflows(t.emulator);
    const before = (await admin.list('alice')).length;
    const first = await t.gql<CreateRunData>(CREATE_RUN, runInput('once only', 'req-1'), ALICE);
    const second = await t.gql<CreateRunData>(CREATE_RUN, runInput('once only', 'req-1'), ALICE);
    expect(first.body.errors).toBeUndefined();
    expect(second.body.errors).toBeUndefined();
    expect(second.body.data?.createRun?.run.id).toBe(first.body.data?.createRun?.run.id);
    expect(await rowsNamed('once only')).toBe(1);
    expect((await admin.list('alice')).length).toBe(before + 1);
    const [row] = await t.server.app.repositories.runs.byIds([fromGlobalId(first.body.data?.createRun?.run.id ?? '').id]);
    expect(row?.pending_since).toBeNull();
  });

  it('concurrent duplicates still create one run', async () => {
    const answers = await Promise.all([1, 2, 3].map(() => t.gql<CreateRunData>(CREATE_RUN, runInput('concurrent', 'req-concurrent'), ALICE)));
    const ids = new Set(answers.map((a) => a.body.data?.createRun?.run.id));
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    expect(ids.size).toBe(1);
    expect(await rowsNamed('concurrent')).toBe(1);
  });

  it('the same requestId with different input is BAD_USER_INPUT and creates nothing', async () => {
    await t.gql<CreateRunData>(CREATE_RUN, runInput('first input', 'req-2'), ALICE);
    const reused = await t.gql<CreateRunData>(CREATE_RUN, runInput('other input', 'req-2'), ALICE);
    expect(reused.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { path: 'input.requestId' } });
    expect(await rowsNamed('other input')).toBe(0);
  });

  it("is scoped per user: another user's identical requestId never returns alice's run", async () => {
    const research = await experimentOf(t.server.app.store.db, 'ml-research');
    const input = {
      namespace: 'ml-research',
      experimentId: research.globalId,
      workflowSpec: argoFixture('hello-world'),
      name: 'shared key',
      requestId: 'same-key',
    };
    const byAlice = await t.gql<CreateRunData>(CREATE_RUN, { input }, ALICE);
    const byCarol = await t.gql<CreateRunData>(CREATE_RUN, { input }, CAROL);
    expect(byAlice.body.errors).toBeUndefined();
    expect(byCarol.body.errors).toBeUndefined();
    expect(byCarol.body.data?.createRun?.run.id).not.toBe(byAlice.body.data?.createRun?.run.id);
  });

  it('a refused create releases its requestId: fixed input may reuse it', async () => {
    const refused = await t.gql<CreateRunData>(CREATE_RUN, runInput('bad sa', 'req-3', { serviceAccount: 'kfp-graph' }), ALICE);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const fixed = await t.gql<CreateRunData>(CREATE_RUN, runInput('bad sa', 'req-3'), ALICE);
    expect(fixed.body.errors).toBeUndefined();
  });

  it('a malformed requestId is BAD_USER_INPUT', async () => {
    const res = await t.gql<CreateRunData>(CREATE_RUN, runInput('bad key', 'has space'), ALICE);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { path: 'input.requestId' } });
  });

  it('createExperiment, createPipeline, createPipelineVersion and createRecurringRun replay too', async () => {
    const twice = async <T>(
      query: string,
      variables: Record<string, unknown>,
      pick: (data: T) => string | undefined,
    ): Promise<[string | undefined, string | undefined]> => {
      const a = await t.gql<T>(query, variables, ALICE);
      const b = await t.gql<T>(query, variables, ALICE);
      expect(a.body.errors).toBeUndefined();
      expect(b.body.errors).toBeUndefined();
      return [pick(a.body.data as T), pick(b.body.data as T)];
    };
    const [e1, e2] = await twice<{ createExperiment: { experiment: { id: string } } }>(
      'mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { experiment { id } } }',
      { input: { namespace: 'alice', name: 'idempotent experiment', requestId: 'exp-1' } },
      (d) => d.createExperiment.experiment.id,
    );
    expect(e2).toBe(e1);

    const spec = argoFixture('hello-world');
    const [p1, p2] = await twice<{ createPipeline: { pipeline: { id: string }; pipelineVersion: { id: string } | null } }>(
      'mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { pipeline { id } pipelineVersion { id } } }',
      { input: { namespace: 'alice', name: 'idempotent pipeline', version: { name: 'v1', spec }, requestId: 'pipe-1' } },
      (d) => `${d.createPipeline.pipeline.id} ${d.createPipeline.pipelineVersion?.id}`,
    );
    expect(p2).toBe(p1);
    expect(p1).not.toContain('undefined');
    const pipelineId = (p1 ?? '').split(' ')[0];

    const [v1, v2] = await twice<{ createPipelineVersion: { pipelineVersion: { id: string } } }>(
      'mutation($input: CreatePipelineVersionInput!) { createPipelineVersion(input: $input) { pipelineVersion { id } } }',
      { input: { pipelineId, name: 'v2', spec, requestId: 'ver-1' } },
      (d) => d.createPipelineVersion.pipelineVersion.id,
    );
    expect(v2).toBe(v1);

    const versionId = await versionOf(t.server.app.store.db, 'alice', 'idempotent pipeline');
    const [r1, r2] = await twice<{ createRecurringRun: { recurringRun: { id: string } } }>(
      'mutation($input: CreateRecurringRunInput!) { createRecurringRun(input: $input) { recurringRun { id } } }',
      {
        input: {
          namespace: 'alice',
          experimentId: experiment.globalId,
          pipelineVersionId: versionId,
          name: 'idempotent schedule',
          cron: '0 0 * * * *',
          requestId: 'rr-1',
        },
      },
      (d) => d.createRecurringRun.recurringRun.id,
    );
    expect(r2).toBe(r1);
    const schedules = await t.server.app.store.db.selectFrom('recurring_runs').select('id').where('name', '=', 'idempotent schedule').execute();
    expect(schedules).toHaveLength(1);
  });
});
