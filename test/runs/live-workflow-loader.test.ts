import { describe, expect, it } from 'vitest';
import type { WorkflowClient } from '../../src/kube/workflow-client.js';
import type { Workflow } from '../../src/kube/workflow/workflow-types.js';
import { STANDALONE_RUN_LABEL } from '../../src/kube/workflow/run-labels.js';
import { createLiveWorkflowLoader } from '../../src/runs/live-workflow-loader.js';

const workflow = (namespace: string, name: string, runId?: string): Workflow =>
  ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { namespace, name, labels: runId ? { [STANDALONE_RUN_LABEL]: runId } : {} },
    spec: {},
  }) as Workflow;

/** A cluster of a few workflows that records every call; `hang` never answers. */
function fakeClient(workflows: readonly Workflow[], hang = false) {
  const calls: string[] = [];
  const never = new Promise<never>(() => {});
  const client: Pick<WorkflowClient, 'get' | 'list'> = {
    async get(namespace, name) {
      calls.push(`get ${namespace}/${name}`);
      if (hang) return never;
      return workflows.find((w) => w.metadata.namespace === namespace && w.metadata.name === name) ?? null;
    },
    async list(namespace, labelSelector) {
      calls.push(`list ${namespace} ${labelSelector ?? ''}`);
      if (hang) return never;
      const wanted = /in \((.*)\)/.exec(labelSelector ?? '')?.[1]?.split(',') ?? [];
      return workflows.filter((w) => w.metadata.namespace === namespace && wanted.includes(w.metadata.labels?.[STANDALONE_RUN_LABEL] ?? ''));
    },
  };
  return { client: client as WorkflowClient, calls };
}

describe('the live workflow loader', () => {
  it('reads a page of runs with one labelled LIST per namespace, a GET for the rest, never the whole namespace', async () => {
    const { client, calls } = fakeClient([workflow('a', 'w1', 'r1'), workflow('a', 'w2', 'r2'), workflow('a', 'scheduled'), workflow('b', 'w4', 'r4')]);
    const loader = createLiveWorkflowLoader(client, 1_000, STANDALONE_RUN_LABEL);
    const results = await Promise.all([
      loader.load({ namespace: 'a', name: 'w1', runId: 'r1' }),
      loader.load({ namespace: 'a', name: 'w2', runId: 'r2' }),
      loader.load({ namespace: 'a', name: 'scheduled', runId: 'r3' }),
      loader.load({ namespace: 'a', name: 'collected', runId: 'r5' }),
      loader.load({ namespace: 'b', name: 'w4', runId: 'r4' }),
    ]);
    expect(results.map((r) => r.kind)).toEqual(['live', 'live', 'live', 'gone', 'live']);
    expect(calls.sort()).toEqual(['get a/collected', 'get a/scheduled', 'get b/w4', `list a ${STANDALONE_RUN_LABEL} in (r1,r2,r3,r5)`]);
  });

  it('answers unavailable, not an error, when the cluster does not answer in time', async () => {
    const { client } = fakeClient([], true);
    const loaded = await createLiveWorkflowLoader(client, 20, STANDALONE_RUN_LABEL).load({ namespace: 'a', name: 'w', runId: 'r' });
    expect(loaded).toEqual({ kind: 'unavailable', reason: 'no answer within 20 ms' });
  });
});
