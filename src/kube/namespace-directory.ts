/**
 * Which tenant namespaces exist. Kept in memory from a watch (Profiles, or namespaces labeled
 * `pipelines.kubeflow.org/enabled=true`), never listed per request.
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
