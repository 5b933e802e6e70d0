import DataLoader from 'dataloader';
import type { WorkflowClient } from '../kube/workflow-client.js';
import type { RunLabel } from '../kube/workflow/run-labels.js';
import type { Workflow } from '../kube/workflow/workflow-types.js';

export type LiveWorkflow =
  | { readonly kind: 'live'; readonly workflow: Workflow }
  /** The cluster answered: no such workflow (garbage-collected). */
  | { readonly kind: 'gone' }
  /** The cluster did not answer in time, or failed. */
  | { readonly kind: 'unavailable'; readonly reason: string };

export interface WorkflowKey {
  readonly namespace: string;
  readonly name: string;
  /** The run it belongs to, the value of its run label, so several can be listed at once. */
  readonly runId: string;
}

/**
 * A request's loader of live workflows, each read bounded by `timeoutMs`: one GET for a single workflow of a
 * namespace; for several, one LIST restricted to their runs by the run label (`runLabel`, run-labels.ts; never the
 * whole namespace, which can hold thousands of workflows), then a GET for any not labelled so (workflows a
 * schedule started).
 */
export function createLiveWorkflowLoader(client: WorkflowClient, timeoutMs: number, runLabel: RunLabel): DataLoader<WorkflowKey, LiveWorkflow, string> {
  return new DataLoader<WorkflowKey, LiveWorkflow, string>((keys) => loadBatch(client, keys, timeoutMs, runLabel), {
    cacheKeyFn: (key) => `${key.namespace}/${key.name}`,
  });
}

async function loadNamespace(
  client: WorkflowClient,
  namespace: string,
  keys: readonly WorkflowKey[],
  timeoutMs: number,
  runLabel: RunLabel,
): Promise<Map<string, LiveWorkflow>> {
  const found = new Map<string, LiveWorkflow>();
  const get = async (name: string) => {
    const workflow = await withTimeout(client.get(namespace, name), timeoutMs);
    found.set(name, workflow ? { kind: 'live', workflow } : { kind: 'gone' });
  };
  if (keys.length > 1) {
    const selector = `${runLabel} in (${[...new Set(keys.map((k) => k.runId))].join(',')})`;
    for (const workflow of await withTimeout(client.list(namespace, selector), timeoutMs)) {
      if (workflow.metadata.name) found.set(workflow.metadata.name, { kind: 'live', workflow });
    }
  }
  await Promise.all(keys.filter((k) => !found.has(k.name)).map((k) => get(k.name)));
  return found;
}

async function loadBatch(client: WorkflowClient, keys: readonly WorkflowKey[], timeoutMs: number, runLabel: RunLabel): Promise<LiveWorkflow[]> {
  const byNamespace = new Map<string, WorkflowKey[]>();
  for (const key of keys) byNamespace.set(key.namespace, [...(byNamespace.get(key.namespace) ?? []), key]);
  const found = new Map<string, LiveWorkflow>();
  await Promise.all(
    [...byNamespace].map(async ([namespace, group]) => {
      try {
        for (const [name, live] of await loadNamespace(client, namespace, group, timeoutMs, runLabel)) found.set(`${namespace}/${name}`, live);
      } catch (error) {
        const reason = error instanceof TimeoutError ? `no answer within ${timeoutMs} ms` : 'the cluster did not answer';
        for (const key of group) found.set(`${namespace}/${key.name}`, { kind: 'unavailable', reason });
      }
    }),
  );
  return keys.map((key) => found.get(`${key.namespace}/${key.name}`) ?? { kind: 'unavailable', reason: 'not loaded' });
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
