import type { KubeObject } from './kube-object.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change at one revision; `previous` lets a filtered watch turn "left the selector" into DELETED. */
export interface StoreEvent {
  readonly type: WatchEventType;
  readonly storageKey: string;
  readonly revision: number;
  readonly object: KubeObject;
  readonly previous?: KubeObject;
}

/**
 * The bounded window of past events a watch can resume from, like etcd's history before compaction.
 * `compactedRevision` is the newest revision no longer replayable: a watch from an older resourceVersion
 * gets 410 Gone, as kube-apiserver's watch cache answers "too old resource version".
 */
export class EventLog {
  readonly #capacity: number;
  #events: StoreEvent[] = [];
  #compactedRevision = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  append(event: StoreEvent): void {
    this.#events.push(event);
    if (this.#events.length > this.#capacity) {
      const dropped = this.#events.splice(0, this.#events.length - this.#capacity);
      this.#compactedRevision = dropped[dropped.length - 1]?.revision ?? this.#compactedRevision;
    }
  }

  get compactedRevision(): number {
    return this.#compactedRevision;
  }

  /** Events after `revision`, or undefined when some of them were already compacted away. */
  since(revision: number): readonly StoreEvent[] | undefined {
    if (revision < this.#compactedRevision) return undefined;
    return this.#events.filter((e) => e.revision > revision);
  }
}
