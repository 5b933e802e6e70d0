import { CoreV1Api, CustomObjectsApi, makeInformer, type Informer, type KubeConfig, type KubernetesListObject, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import type { NamespaceDirectory } from './namespace-directory.js';

/** The label KFP's multi-user mode puts on namespaces it serves when there are no Profiles. */
export const PIPELINES_ENABLED_LABEL = 'pipelines.kubeflow.org/enabled=true';

type Watched = Informer<KubernetesObject> & ObjectCache<KubernetesObject>;

/**
 * Tenant namespaces from a watch, never a list per request: every Kubeflow Profile (`kubeflow.org/v1`, the
 * namespace is the Profile's name) plus, as KFP falls back to, namespaces labeled
 * `pipelines.kubeflow.org/enabled=true`. The informers relist and rewatch by themselves after errors.
 */
export class ProfileNamespaceDirectory implements NamespaceDirectory {
  readonly #profiles: Watched;
  readonly #namespaces: Watched;
  #sorted: readonly string[] = [];

  private constructor(profiles: Watched, namespaces: Watched) {
    this.#profiles = profiles;
    this.#namespaces = namespaces;
    for (const informer of [profiles, namespaces]) {
      for (const event of ['add', 'update', 'delete'] as const) informer.on(event, () => this.#refresh());
      // An informer stops on error; restart it after a pause so the directory converges again.
      informer.on('error', () => setTimeout(() => void informer.start().catch(() => undefined), 2_000).unref());
    }
  }

  static async start(kubeConfig: KubeConfig): Promise<ProfileNamespaceDirectory> {
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const profiles = makeInformer<KubernetesObject>(
      kubeConfig,
      '/apis/kubeflow.org/v1/profiles',
      async () => (await custom.listClusterCustomObject({ group: 'kubeflow.org', version: 'v1', plural: 'profiles' })) as KubernetesListObject<KubernetesObject>,
    );
    const namespaces = makeInformer<KubernetesObject>(
      kubeConfig,
      '/api/v1/namespaces',
      async () => (await core.listNamespace({ labelSelector: PIPELINES_ENABLED_LABEL })) as KubernetesListObject<KubernetesObject>,
      PIPELINES_ENABLED_LABEL,
    );
    const directory = new ProfileNamespaceDirectory(profiles, namespaces);
    await Promise.all([profiles.start(), namespaces.start()]);
    directory.#refresh();
    return directory;
  }

  #refresh(): void {
    const names = new Set<string>();
    for (const object of [...this.#profiles.list(), ...this.#namespaces.list()]) {
      if (object.metadata?.name) names.add(object.metadata.name);
    }
    this.#sorted = [...names].sort();
  }

  list(): readonly string[] {
    return this.#sorted;
  }

  has(namespace: string): boolean {
    return this.#sorted.includes(namespace);
  }

  async stop(): Promise<void> {
    await Promise.all([this.#profiles.stop(), this.#namespaces.stop()]);
  }
}
