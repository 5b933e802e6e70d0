import { EventLog, type StoreEvent, type WatchEventType } from './event-log.js';
import { clone, type KubeObject } from './kube-object.js';

export type StoreListener = (event: StoreEvent) => void;

/**
 * The emulator's etcd: objects by storage key and `namespace/name`, one global revision counter that becomes
 * every object's resourceVersion (as etcd's mod revision does), an event log for watch resumption and live
 * listeners. Objects are cloned in and out so callers cannot mutate stored state.
 */
export class ObjectStore {
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  readonly #listeners = new Set<StoreListener>();
  readonly #log: EventLog;
  #revision = 1;
  #pending: StoreEvent[] = [];
  #dispatching = false;

  constructor(historySize: number) {
    this.#log = new EventLog(historySize);
  }

  get revision(): number {
    return this.#revision;
  }

  get log(): EventLog {
    return this.#log;
  }

  get(storageKey: string, namespace: string, name: string): KubeObject | undefined {
    const found = this.#bucket(storageKey).get(objectKey(namespace, name));
    return found ? clone(found) : undefined;
  }

  /** Objects sorted by `namespace/name` (the order etcd's key range gives, which pagination relies on). */
  list(storageKey: string, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const [key, obj] of [...this.#bucket(storageKey).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (namespace === undefined || namespace === '' || key.startsWith(`${namespace}/`)) out.push(clone(obj));
    }
    return out;
  }

  /** Write (create or replace) and stamp the next revision as resourceVersion. */
  put(storageKey: string, object: KubeObject): KubeObject {
    const bucket = this.#bucket(storageKey);
    const key = objectKey(object.metadata.namespace ?? '', object.metadata.name ?? '');
    const previous = bucket.get(key);
    const stored = clone(object);
    stored.metadata.resourceVersion = String(++this.#revision);
    bucket.set(key, stored);
    this.#emit(previous ? 'MODIFIED' : 'ADDED', storageKey, stored, previous);
    return clone(stored);
  }

  delete(storageKey: string, namespace: string, name: string): KubeObject | undefined {
    const bucket = this.#bucket(storageKey);
    const key = objectKey(namespace, name);
    const previous = bucket.get(key);
    if (!previous) return undefined;
    bucket.delete(key);
    // A DELETED event carries the object at the revision of its deletion, as kube-apiserver sends it.
    const gone = clone(previous);
    gone.metadata.resourceVersion = String(++this.#revision);
    this.#emit('DELETED', storageKey, gone, previous);
    return clone(gone);
  }

  subscribe(listener: StoreListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(type: WatchEventType, storageKey: string, object: KubeObject, previous: KubeObject | undefined): void {
    const event: StoreEvent = { type, storageKey, revision: this.#revision, object: clone(object), previous };
    this.#log.append(event);
    // Listeners may write (the aggregation controller does); their events are queued so every listener
    // sees revisions in increasing order.
    this.#pending.push(event);
    if (this.#dispatching) return;
    this.#dispatching = true;
    try {
      for (let next = this.#pending.shift(); next; next = this.#pending.shift()) {
        for (const listener of [...this.#listeners]) listener(next);
      }
    } finally {
      this.#dispatching = false;
    }
  }

  #bucket(storageKey: string): Map<string, KubeObject> {
    let bucket = this.#objects.get(storageKey);
    if (!bucket) {
      bucket = new Map();
      this.#objects.set(storageKey, bucket);
    }
    return bucket;
  }
}

function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
