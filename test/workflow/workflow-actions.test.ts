import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/errors/domain-errors.js';
import { runStateFromWorkflow } from '../../src/kube/workflow/run-state.js';
import { assertCanRetry, canRetry, canTerminate, retryWorkflow, terminatePatch } from '../../src/kube/workflow/workflow-actions.js';
import { fnv32a } from '../../src/kube/workflow/pod-name.js';
import type { Workflow } from '../../src/kube/workflow/workflow-types.js';
import { loadFixture, thrown } from './workflow-fixtures.js';
import { nodeId, withStatus } from './workflow-status-builder.js';

const NAME = 'dag-diamond-x7k2p';
const NOW = new Date('2026-08-22T10:00:00.000Z');
const pod = (phase: string, display: string, children?: readonly string[]) => ({
  type: 'Pod',
  phase,
  displayName: display,
  templateName: 'echo',
  boundary: '',
  startedAt: '2026-08-22T09:00:00Z',
  finishedAt: '2026-08-22T09:00:10Z',
  ...(children === undefined ? {} : { children }),
});

/** dag-diamond.yaml after D failed: A, B, C succeeded, the DAG node failed with it. */
function failedDiamond(): Workflow {
  const failed = withStatus(
    loadFixture('argo/dag-diamond.yaml'),
    NAME,
    { phase: 'Failed', startedAt: '2026-08-22T09:00:00Z', finishedAt: '2026-08-22T09:01:00Z', message: 'child failed', progress: '3/4' },
    {
      '': {
        type: 'DAG',
        phase: 'Failed',
        displayName: NAME,
        templateName: 'diamond',
        children: ['.A'],
        outboundNodes: [nodeId(NAME, `${NAME}.D`)],
        message: 'child failed',
        finishedAt: '2026-08-22T09:01:00Z',
      },
      '.A': pod('Succeeded', 'A', ['.B', '.C']),
      '.B': pod('Succeeded', 'B', ['.D']),
      '.C': pod('Succeeded', 'C', ['.D']),
      '.D': { ...pod('Failed', 'D'), message: 'Error (exit code 1)' },
    },
  );
  return {
    ...failed,
    metadata: {
      ...failed.metadata,
      labels: { 'workflows.argoproj.io/completed': 'true', 'workflows.argoproj.io/phase': 'Failed', 'pipeline/persistedFinalState': 'true' },
    },
    spec: { ...failed.spec, shutdown: 'Terminate' },
  };
}

describe('terminate', () => {
  it('is the merge patch argo terminate sends', () => {
    expect(terminatePatch()).toEqual({ spec: { shutdown: 'Terminate' } });
  });

  it('is possible only for unfinished runs', () => {
    expect(['PENDING', 'RUNNING', 'PAUSED'].every((s) => canTerminate(s as never))).toBe(true);
    expect(['SUCCEEDED', 'FAILED', 'CANCELED', 'CANCELING', 'SKIPPED'].some((s) => canTerminate(s as never))).toBe(false);
  });

  it('makes a running workflow CANCELING', () => {
    const running: Workflow = { ...loadFixture('argo/hello-world.yaml'), status: { phase: 'Running' } };
    expect(runStateFromWorkflow({ ...running, spec: { ...running.spec, ...terminatePatch().spec } })).toBe('CANCELING');
  });
});

describe('retryWorkflow', () => {
  it('refuses workflows that are not Failed or Error, with a ConflictError', () => {
    for (const phase of ['', 'Pending', 'Running', 'Succeeded']) {
      const workflow: Workflow = { ...loadFixture('argo/hello-world.yaml'), status: { phase } };
      expect(canRetry(workflow)).toBe(false);
      expect(thrown(() => retryWorkflow(workflow))).toBeInstanceOf(ConflictError);
    }
    expect(thrown(() => assertCanRetry({}))).toBeInstanceOf(ConflictError);
    expect(canRetry({ status: { phase: 'Error' } })).toBe(true);
  });

  it('on a failed diamond, deletes exactly D and resets the DAG node', () => {
    const before = failedDiamond();
    const { workflow, podsToDelete } = retryWorkflow(before, NOW);
    const nodes = workflow.status?.nodes ?? {};
    const id = (relative: string): string => nodeId(NAME, `${NAME}${relative}`);

    expect(Object.keys(nodes).sort()).toEqual([NAME, id('.A'), id('.B'), id('.C')].sort());
    for (const kept of ['.A', '.B', '.C']) expect(nodes[id(kept)]?.phase).toBe('Succeeded');
    expect(nodes[id('.B')]?.children).toEqual([]);
    expect(nodes[id('.C')]?.children).toEqual([]);
    expect(nodes[id('.A')]).toEqual(before.status?.nodes?.[id('.A')]);

    const root = nodes[NAME];
    expect(root?.phase).toBe('Running');
    expect(root?.message).toBeUndefined();
    expect(root?.finishedAt).toBeUndefined();
    expect(root?.outboundNodes).toEqual([]);
    expect(root?.children).toEqual([id('.A')]);

    // Argo v2 pod names: <workflow>-<template>-<fnv32a(node name)>, the node ID's numeric suffix.
    expect(podsToDelete).toEqual([`${NAME}-echo-${fnv32a(`${NAME}.D`)}`]);
    expect(id('.D').endsWith(String(fnv32a(`${NAME}.D`)))).toBe(true);

    expect(workflow.status?.phase).toBe('Running');
    expect(workflow.status?.message).toBeUndefined();
    expect(workflow.status?.finishedAt).toBeUndefined();
    expect(workflow.status?.startedAt).toBe('2026-08-22T10:00:00Z');
    expect(workflow.status?.conditions).toEqual([{ type: 'Completed', status: 'False' }]);
    expect(workflow.spec.shutdown).toBeUndefined();
    expect(workflow.metadata.labels).toEqual({ 'workflows.argoproj.io/phase': 'Running' });
    expect(runStateFromWorkflow(workflow)).toBe('RUNNING');
    // The input is untouched.
    expect(before.status?.nodes?.[id('.D')]?.phase).toBe('Failed');
  });

  it('deletes the omitted dependants of a failed task and the exit handler', () => {
    const failed = withStatus(
      loadFixture('argo/dag-diamond.yaml'),
      NAME,
      { phase: 'Failed' },
      {
        '': { type: 'DAG', phase: 'Failed', templateName: 'diamond', children: ['.A', '.onExit'] },
        '.A': pod('Failed', 'A', ['.B', '.C']),
        '.B': { type: 'Skipped', phase: 'Omitted', displayName: 'B', boundary: '', children: ['.D'] },
        '.C': { type: 'Skipped', phase: 'Omitted', displayName: 'C', boundary: '', children: ['.D'] },
        '.D': { type: 'Skipped', phase: 'Omitted', displayName: 'D', boundary: '' },
        '.onExit': { ...pod('Succeeded', 'onExit'), templateName: 'cleanup' },
      },
    );
    const { workflow, podsToDelete } = retryWorkflow(failed, NOW);
    expect(Object.keys(workflow.status?.nodes ?? {})).toEqual([NAME]);
    expect([...podsToDelete].sort()).toEqual([`${NAME}-echo-${fnv32a(`${NAME}.A`)}`, `${NAME}-cleanup-${fnv32a(`${NAME}.onExit`)}`].sort());
  });

  it('keeps a failed attempt whose Retry node later succeeded', () => {
    const failed = withStatus(
      loadFixture('argo/hello-world.yaml'),
      'hello-world-abcde',
      { phase: 'Error' },
      {
        '': { type: 'Steps', phase: 'Failed', templateName: 'main', children: ['[0]'] },
        '[0]': { type: 'StepGroup', phase: 'Failed', boundary: '', children: ['[0].flaky', '[0].broken'] },
        '[0].flaky': { type: 'Retry', phase: 'Succeeded', boundary: '', children: ['[0].flaky(0)', '[0].flaky(1)'] },
        '[0].flaky(0)': { type: 'Pod', phase: 'Failed', boundary: '', templateName: 'work' },
        '[0].flaky(1)': { type: 'Pod', phase: 'Succeeded', boundary: '', templateName: 'work' },
        '[0].broken': { type: 'Pod', phase: 'Error', boundary: '', templateName: 'work' },
      },
    );
    const { workflow, podsToDelete } = retryWorkflow(failed, NOW);
    const names = Object.values(workflow.status?.nodes ?? {})
      .map((n) => `${n.name}:${n.phase}`)
      .sort();
    expect(names).toEqual([
      'hello-world-abcde:Running',
      'hello-world-abcde[0].flaky(0):Failed',
      'hello-world-abcde[0].flaky(1):Succeeded',
      'hello-world-abcde[0].flaky:Succeeded',
      'hello-world-abcde[0]:Running',
    ]);
    expect(podsToDelete).toEqual([`hello-world-abcde-work-${fnv32a('hello-world-abcde[0].broken')}`]);
  });
});
