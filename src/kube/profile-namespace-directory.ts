import {
  CoreV1Api,
  CustomObjectsApi,
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';
import { UnavailableError } from '../errors/domain-errors.js';
import type { Logger } from '../server/logger.js';
import { InformerSupervisor } from './informer-supervisor.js';
import type { NamespaceDirectory } from './namespace-directory.js';
import type { BackoffSettings } from './retry-backoff.js';

/** The label KFP's multi-user mode puts on namespaces it serves when there are no Profiles. */
export const PIPELINES_ENABLED_LABEL = 'pipelines.kubeflow.org/enabled=true';

/** How long a directory cut off from the cluster keeps answering from what it last saw. */
export const DEFAULT_MAX_STALENESS_MS = 10_000;

type Watched = Informer<KubernetesObject> & ObjectCache<KubernetesObject>;

export interface DirectoryOptions {
  /** Past this long without a working watch, answers are UNAVAILABLE rather than possibly wrong. */
  readonly maxStalenessMs?: number;
  readonly logger?: Logger;
  readonly backoff?: BackoffSettings;
  readonly now?: () => number;
}

/**
 * Tenant namespaces from a watch, never a list per request: every Kubeflow Profile (`kubeflow.org/v1`, the
 * namespace is the Profile's name) plus, as KFP falls back to, namespaces labeled
 * `pipelines.kubeflow.org/enabled=true`. Each informer is restarted with backoff after errors; until both have
 * synced, or once either has been failing longer than `maxStalenessMs`, the directory refuses to answer
 * (UNAVAILABLE): with the API server down, `namespaces` must not come back as an empty list.
 */
export class ProfileNamespaceDirectory implements NamespaceDirectory {
  readonly #profiles: Watched;
  readonly #namespaces: Watched;
  readonly #watches: readonly InformerSupervisor[];
  readonly #maxStalenessMs: number;
  readonly #now: () => number;
  #sorted: readonly string[] = [];

  private constructor(profiles: Watched, namespaces: Watched, options: DirectoryOptions) {
    this.#profiles = profiles;
    this.#namespaces = namespaces;
    this.#maxStalenessMs = options.maxStalenessMs ?? DEFAULT_MAX_STALENESS_MS;
    this.#now = options.now ?? Date.now;
    const supervise = (informer: Watched, name: string) =>
      new InformerSupervisor(informer, {
        name,
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.backoff ? { backoff: options.backoff } : {}),
        now: this.#now,
      });
    this.#watches = [supervise(profiles, 'profiles'), supervise(namespaces, 'namespaces')];
    for (const informer of [profiles, namespaces]) {
      for (const event of ['add', 'update', 'delete'] as const) informer.on(event, () => this.#refresh());
    }
  }

  /** Starts both watches; resolves after the first attempt whether or not the cluster answered. */
  static async start(kubeConfig: KubeConfig, options: DirectoryOptions = {}): Promise<ProfileNamespaceDirectory> {
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const profiles = makeInformer<KubernetesObject>(
      kubeConfig,
      '/apis/kubeflow.org/v1/profiles',
      async () =>
        (await custom.listClusterCustomObject({ group: 'kubeflow.org', version: 'v1', plural: 'profiles' })) as KubernetesListObject<KubernetesObject>,
    );
    const namespaces = makeInformer<KubernetesObject>(
      kubeConfig,
      '/api/v1/namespaces',
      async () => (await core.listNamespace({ labelSelector: PIPELINES_ENABLED_LABEL })) as KubernetesListObject<KubernetesObject>,
      PIPELINES_ENABLED_LABEL,
    );
    const directory = new ProfileNamespaceDirectory(profiles, namespaces, options);
    await Promise.all(directory.#watches.map((watch) => watch.start()));
    directory.#refresh();
    return directory;
  }

  /** True when answers come from a directory that follows the cluster (within the staleness bound). */
  isAvailable(): boolean {
    return this.#problem() === undefined;
  }

  #problem(): string | undefined {
    if (!this.#watches.every((watch) => watch.synced)) return 'the tenant namespaces have not been read from the Kubernetes API server yet';
    const failing = this.#watches.map((watch) => watch.failingSince).filter((since): since is number => since !== null);
    const since = failing.length > 0 ? Math.min(...failing) : undefined;
    if (since !== undefined && this.#now() - since > this.#maxStalenessMs) {
      return `the Kubernetes API server has not answered since ${new Date(since).toISOString()}, so the tenant namespaces are not known`;
    }
    return undefined;
  }

  #assertAvailable(): void {
    const problem = this.#problem();
    if (problem !== undefined) throw new UnavailableError(`${problem}; try again`);
  }

  #refresh(): void {
    const names = new Set<string>();
    for (const object of [...this.#profiles.list(), ...this.#namespaces.list()]) {
      if (object.metadata?.name) names.add(object.metadata.name);
    }
    this.#sorted = [...names].sort();
  }

  list(): readonly string[] {
    this.#assertAvailable();
    return this.#sorted;
  }

  has(namespace: string): boolean {
    this.#assertAvailable();
    return this.#sorted.includes(namespace);
  }

  async stop(): Promise<void> {
    await Promise.all(this.#watches.map((watch) => watch.stop()));
  }
}
