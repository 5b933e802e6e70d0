import { CustomObjectsApi, makeInformer, type Informer, type KubeConfig, type KubernetesListObject, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import type { Kysely } from 'kysely';
import type { Logger } from '../server/logger.js';
import type { Database } from '../store/database.js';

interface ScheduledWorkflowObject extends KubernetesObject {
  readonly spec?: { readonly enabled?: boolean };
}

type Watched = Informer<ScheduledWorkflowObject> & ObjectCache<ScheduledWorkflowObject>;

/**
 * Keeps each recurring run's `enabled` flag equal to its ScheduledWorkflow's `spec.enabled`, so a schedule
 * paused or deleted in the cluster (kubectl, KFP's UI, the creator check) reads the same in the API. A deleted
 * ScheduledWorkflow leaves its recurring run disabled, with its history, as runs outlive their workflows.
 * Only the leader writes (`isLeader`); the informer relists and rewatches by itself after errors.
 */
export class ScheduledWorkflowMirror {
  readonly #db: Kysely<Database>;
  readonly #informer: Watched;
  readonly #isLeader: () => boolean;
  readonly #now: () => number;
  readonly #logger: Logger | undefined;
  #stopped = false;

  constructor(kubeConfig: KubeConfig, db: Kysely<Database>, options: { readonly isLeader: () => boolean; readonly now: () => number; readonly logger?: Logger }) {
    const api = kubeConfig.makeApiClient(CustomObjectsApi);
    this.#db = db;
    this.#isLeader = options.isLeader;
    this.#now = options.now;
    this.#logger = options.logger;
    this.#informer = makeInformer<ScheduledWorkflowObject>(
      kubeConfig,
      '/apis/kubeflow.org/v1beta1/scheduledworkflows',
      async () =>
        (await api.listClusterCustomObject({ group: 'kubeflow.org', version: 'v1beta1', plural: 'scheduledworkflows' })) as KubernetesListObject<ScheduledWorkflowObject>,
    );
    const apply = (object: ScheduledWorkflowObject, enabled: boolean) => void this.#apply(object, enabled);
    this.#informer.on('add', (o) => apply(o, o.spec?.enabled === true));
    this.#informer.on('update', (o) => apply(o, o.spec?.enabled === true));
    this.#informer.on('delete', (o) => apply(o, false));
    this.#informer.on('error', (error) => {
      // `stop()` aborts the watch request, and the informer reports that abort as an error: not a failure.
      if (this.#stopped) return;
      this.#logger?.warn('sync: scheduled workflow watch failed; restarting', { error });
      setTimeout(() => void this.#informer.start().catch(() => undefined), 2_000).unref();
    });
  }

  start(): Promise<void> {
    return this.#informer.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#informer.stop();
  }

  async #apply(object: ScheduledWorkflowObject, enabled: boolean): Promise<void> {
    const namespace = object.metadata?.namespace;
    const name = object.metadata?.name;
    if (!namespace || !name || !this.#isLeader()) return;
    try {
      await this.#db
        .updateTable('recurring_runs')
        .set({ enabled: enabled ? 1 : 0, updated_at: this.#now() })
        .where('namespace', '=', namespace)
        .where('scheduled_workflow_name', '=', name)
        .where('enabled', '!=', enabled ? 1 : 0)
        .execute();
    } catch (error) {
      // The next relist (or change) applies it again; the flag is state, not an event to lose.
      this.#logger?.warn('sync: could not mirror a scheduled workflow', { namespace, name, error });
    }
  }
}
