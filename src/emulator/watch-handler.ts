import type { ServerResponse } from 'node:http';
import type { EmulatorCluster } from './emulator-cluster.js';
import type { StoreEvent, WatchEventType } from './event-log.js';
import type { KubeObject } from './kube-object.js';
import { selectorFrom } from './list-handler.js';
import { apiVersionOf, type ResourceType } from './resource-types.js';
import { gone } from './status-error.js';

export interface WatchOptions {
  /** How often BOOKMARK events are sent when `allowWatchBookmarks=true` (kube-apiserver: about a minute). */
  readonly bookmarkIntervalMs: number;
}

/**
 * A watch as kube-apiserver streams it: one JSON event per line over a chunked response.
 * - no resourceVersion or "0": synthetic ADDED events for the current state, then live changes;
 * - a resourceVersion: every change after it, replayed from the event log, then live; one that was already
 *   compacted gets a single ERROR event carrying a 410 Expired Status (the informer then relists);
 * - selectors are applied to both sides of a change, so an object leaving the selection arrives as DELETED
 *   and one entering it as ADDED;
 * - `allowWatchBookmarks`, `timeoutSeconds`.
 * Returns a function that ends the stream (used when the emulator closes).
 */
export function serveWatch(cluster: EmulatorCluster, type: ResourceType, namespace: string, url: URL, res: ServerResponse, options: WatchOptions): () => void {
  const matches = selectorFrom(url, type, namespace);
  const apiVersion = apiVersionOf(type);
  const present = (o: KubeObject): KubeObject => ({ ...o, apiVersion, kind: type.kind });
  const send = (eventType: WatchEventType | 'BOOKMARK' | 'ERROR', object: unknown): void => {
    res.write(`${JSON.stringify({ type: eventType, object })}\n`);
  };
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();

  const timers = new Set<NodeJS.Timeout>();
  const after = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms).unref();
    timers.add(timer);
  };
  let unsubscribe = (): void => undefined;
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    res.end();
  };
  res.on('close', end);

  const deliver = (event: StoreEvent): void => {
    if (event.storageKey !== type.storageKey) return;
    const now = matches(event.object);
    const before = event.previous !== undefined && event.type !== 'ADDED' && matches(event.previous);
    if (event.type === 'DELETED') {
      if (before) send('DELETED', present(event.object));
    } else if (now) {
      send(before ? 'MODIFIED' : 'ADDED', present(event.object));
    } else if (before) {
      send('DELETED', present(event.object));
    }
  };

  const rvText = url.searchParams.get('resourceVersion');
  if (!rvText || rvText === '0') {
    for (const o of cluster.store.list(type.storageKey, type.namespaced ? namespace : '')) {
      if (matches(o)) send('ADDED', present(o));
    }
  } else {
    const replay = cluster.store.log.since(Number(rvText));
    if (replay === undefined || !/^\d+$/.test(rvText)) {
      send('ERROR', gone(`too old resource version: ${rvText} (${cluster.store.log.compactedRevision})`).toStatus());
      end();
      return end;
    }
    for (const event of replay) deliver(event);
  }
  unsubscribe = cluster.store.subscribe(deliver);

  if (url.searchParams.get('allowWatchBookmarks') === 'true') {
    const bookmark = (): void => {
      send('BOOKMARK', { apiVersion, kind: type.kind, metadata: { resourceVersion: String(cluster.store.revision) } });
      after(options.bookmarkIntervalMs, bookmark);
    };
    after(options.bookmarkIntervalMs, bookmark);
  }
  const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? '0');
  if (timeoutSeconds > 0) after(timeoutSeconds * 1000, end);
  return end;
}
