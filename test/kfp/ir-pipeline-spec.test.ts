import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/domain-errors.js';
import { checkIrRunParameters, irParameters, isPipelineSpec } from '../../src/pipelines/ir-pipeline-spec.js';
import { checkVersionSpec } from '../../src/pipelines/version-spec.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { UPSTREAM_FIXTURES } from '../support/upstream-fixtures.js';
import { experimentOf } from '../runs/run-helpers.js';

const ir = (name: string) => readFileSync(`${UPSTREAM_FIXTURES}kfp-ir/${name}`, 'utf8');
const ARGO = readFileSync(`${UPSTREAM_FIXTURES}kfp/hello_world.yaml`, 'utf8');
const MB = 1 << 20;

function errorOf(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('KFP v2 IR pipeline specs', () => {
  it("detects every vendored kfp-compiled IR file as KFP's isPipelineSpec does, and an Argo Workflow as Argo", () => {
    for (const file of [
      'two_step_pipeline.yaml',
      'pipeline_with_loops.yaml',
      'pipeline_with_importer.yaml',
      'nested_pipeline_opt_inputs_parent_level_compiled.yaml',
      'pipeline_with_volume.yaml',
    ]) {
      expect(checkVersionSpec(ir(file), MB, 'input.spec').kind, file).toBe('IR');
    }
    expect(checkVersionSpec(ARGO, MB, 'input.spec').kind).toBe('ARGO_WORKFLOW');
    expect(isPipelineSpec({ pipelineInfo: { name: '' }, root: {} })).toBe(false);
  });

  it('accepts the platform-spec second document and refuses a malformed one, naming the path', () => {
    expect(checkVersionSpec(ir('pipeline_with_volume.yaml'), MB, 'input.spec').kind).toBe('IR');
    const broken = `${ir('two_step_pipeline.yaml')}\n---\nnot: platforms\n`;
    expect(errorOf(() => checkVersionSpec(broken, MB, 'input.spec')).details.path).toBe('input.spec[1].platforms');
  });

  it('refuses an invalid IR with BAD_USER_INPUT naming the path', () => {
    const badType = ir('two_step_pipeline.yaml').replace(/(root:[\s\S]*?parameterType: )STRING/, '$1TEXT');
    expect(errorOf(() => checkVersionSpec(badType, MB, 'input.spec')).details.path).toBe('input.spec.root.inputDefinitions.parameters.text.parameterType');
    const noSchema = ir('two_step_pipeline.yaml').replace(/^schemaVersion:.*$/m, '');
    expect(errorOf(() => checkVersionSpec(noSchema, MB, 'input.spec')).details.path).toBe('input.spec.schemaVersion');
    const badRef = ir('two_step_pipeline.yaml').replace('name: comp-read-from-gcs\n', 'name: comp-missing\n');
    expect(errorOf(() => checkVersionSpec(badRef, MB, 'input.spec')).message).toMatch(/comp-missing/);
  });

  it('reads root.inputDefinitions.parameters with type, default and optionality', () => {
    const spec = checkVersionSpec(ir('nested_pipeline_opt_inputs_parent_level_compiled.yaml'), MB, 'input.spec');
    const parameters = irParameters(JSON.parse(spec.canonicalJson));
    expect(parameters.find((p) => p.name === 'inputBool')).toEqual({ name: 'inputBool', type: 'BOOLEAN', defaultValue: true, optional: true });
    expect(parameters.find((p) => p.name === 'inputInt')).toMatchObject({ type: 'NUMBER_INTEGER', defaultValue: 1, optional: true });
    const twoStep = irParameters(JSON.parse(checkVersionSpec(ir('two_step_pipeline.yaml'), MB, 'x').canonicalJson));
    expect(twoStep).toEqual([{ name: 'text', type: 'STRING', defaultValue: 'Hello KFP!', optional: true }]);
  });

  it('checks run parameters: unknown name, wrong type and missing required are BAD_USER_INPUT', () => {
    const declared = [
      { name: 'n', type: 'NUMBER_INTEGER', optional: false },
      { name: 's', type: 'STRING', optional: true, defaultValue: 'x' },
    ] as const;
    expect(checkIrRunParameters({ n: 3 }, declared)).toEqual({ n: 3 });
    expect(errorOf(() => checkIrRunParameters({ n: 3, extra: 1 }, declared)).details.path).toBe('input.parameters.extra');
    expect(errorOf(() => checkIrRunParameters({ n: 1.5 }, declared)).message).toMatch(/NUMBER_INTEGER/);
    expect(errorOf(() => checkIrRunParameters({ s: 'y' }, declared)).details.path).toBe('input.parameters.n');
  });
});

describe('IR pipelines in standalone mode', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  it('stores and lists an IR version with its parameters, and refuses to run it with a message naming kfp mode', async () => {
    const created = await t.gql<{
      createPipeline: { pipelineVersion: { id: string; specKind: string; pipelineSpec: { pipelineInfo: { name: string } }; parameters: unknown[] } };
    }>(
      `mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { pipelineVersion { id specKind pipelineSpec parameters { name type defaultValue optional } } } }`,
      { input: { namespace: 'alice', name: 'two-step', version: { name: 'v1', spec: ir('two_step_pipeline.yaml') } } },
      { user: 'alice@example.com' },
    );
    expect(created.body.errors).toBeUndefined();
    const version = created.body.data?.createPipeline.pipelineVersion;
    expect(version?.specKind).toBe('IR');
    expect(version?.pipelineSpec.pipelineInfo.name).toBe('simple-two-step-pipeline');
    expect(version?.parameters).toEqual([{ name: 'text', type: 'STRING', defaultValue: 'Hello KFP!', optional: true }]);
    const experiment = await experimentOf(t.server.app.store.db, 'alice');
    const before = await t.server.app.store.db.selectFrom('runs').select('id').execute();
    const run = await t.gql(
      `mutation($input: CreateRunInput!) { createRun(input: $input) { run { id } } }`,
      { input: { namespace: 'alice', experimentId: experiment.globalId, pipelineVersionId: version?.id, name: 'ir-run' } },
      { user: 'alice@example.com' },
    );
    expect(run.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(run.body.errors?.[0]?.message).toMatch(/IR runs need KFP_MODE=kfp/);
    expect(await t.server.app.store.db.selectFrom('runs').select('id').execute()).toHaveLength(before.length);
  });
});
