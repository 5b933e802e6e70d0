/**
 * Which tenant namespaces exist. Kept in memory from a watch (Profiles, or namespaces labeled
 * `pipelines.kubeflow.org/enabled=true`), never listed per request.
 *
 * `list()` and `has()` throw UnavailableError while the directory cannot be trusted (not synced with the
 * cluster yet, or cut off from it for longer than its bound): an empty or outdated list would answer "no
 * namespaces" or NOT_FOUND for a cluster that is merely unreachable.
 */
export interface NamespaceDirectory {
  /** Every tenant namespace, sorted by name. */
  list(): readonly string[];
  has(namespace: string): boolean;
}

/** A fixed set of namespaces: tests, and tools that run without a cluster. */
export class StaticNamespaceDirectory implements NamespaceDirectory {
  readonly #names: readonly string[];

  constructor(names: Iterable<string>) {
    this.#names = [...new Set(names)].sort();
  }

  list(): readonly string[] {
    return this.#names;
  }

  has(namespace: string): boolean {
    return this.#names.includes(namespace);
  }
}
