import DataLoader from 'dataloader';
import type { WorkflowClient } from '../kube/workflow-client.js';
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
}

const loaders = new WeakMap<object, DataLoader<WorkflowKey, LiveWorkflow, string>>();

/**
 * The request's loader of live workflows: one GET for a single workflow of a namespace, one LIST for several,
 * each bounded by `timeoutMs`. Built lazily once per request (keyed by its context object).
 */
export function liveWorkflowLoader(context: object, client: WorkflowClient, timeoutMs: number): DataLoader<WorkflowKey, LiveWorkflow, string> {
  let loader = loaders.get(context);
  if (!loader) {
    loader = new DataLoader<WorkflowKey, LiveWorkflow, string>((keys) => loadBatch(client, keys, timeoutMs), {
      cacheKeyFn: (key) => `${key.namespace}/${key.name}`,
    });
    loaders.set(context, loader);
  }
  return loader;
}

async function loadBatch(client: WorkflowClient, keys: readonly WorkflowKey[], timeoutMs: number): Promise<LiveWorkflow[]> {
  const byNamespace = new Map<string, string[]>();
  for (const key of keys) byNamespace.set(key.namespace, [...(byNamespace.get(key.namespace) ?? []), key.name]);
  const found = new Map<string, LiveWorkflow>();
  await Promise.all(
    [...byNamespace].map(async ([namespace, names]) => {
      try {
        if (names.length === 1) {
          const name = names[0] as string;
          const workflow = await withTimeout(client.get(namespace, name), timeoutMs);
          found.set(`${namespace}/${name}`, workflow ? { kind: 'live', workflow } : { kind: 'gone' });
          return;
        }
        const items = await withTimeout(client.list(namespace), timeoutMs);
        const byName = new Map(items.map((w) => [w.metadata.name ?? '', w]));
        for (const name of names) {
          const workflow = byName.get(name);
          found.set(`${namespace}/${name}`, workflow ? { kind: 'live', workflow } : { kind: 'gone' });
        }
      } catch (error) {
        const reason = error instanceof TimeoutError ? `no answer within ${timeoutMs} ms` : 'the cluster did not answer';
        for (const name of names) found.set(`${namespace}/${name}`, { kind: 'unavailable', reason });
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
