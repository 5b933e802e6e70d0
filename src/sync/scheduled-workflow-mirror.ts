import {
  CustomObjectsApi,
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';
import type { Kysely } from 'kysely';
import { InformerSupervisor } from '../kube/informer-supervisor.js';
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
 * Only the leader writes (`isLeader`); the informer is restarted with backoff after errors.
 */
export class ScheduledWorkflowMirror {
  readonly #db: Kysely<Database>;
  readonly #informer: Watched;
  readonly #isLeader: () => boolean;
  readonly #now: () => number;
  readonly #logger: Logger | undefined;
  readonly #watch: InformerSupervisor<ScheduledWorkflowObject>;

  constructor(
    kubeConfig: KubeConfig,
    db: Kysely<Database>,
    options: { readonly isLeader: () => boolean; readonly now: () => number; readonly logger?: Logger },
  ) {
    const api = kubeConfig.makeApiClient(CustomObjectsApi);
    this.#db = db;
    this.#isLeader = options.isLeader;
    this.#now = options.now;
    this.#logger = options.logger;
    this.#informer = makeInformer<ScheduledWorkflowObject>(
      kubeConfig,
      '/apis/kubeflow.org/v1beta1/scheduledworkflows',
      async () =>
        (await api.listClusterCustomObject({
          group: 'kubeflow.org',
          version: 'v1beta1',
          plural: 'scheduledworkflows',
        })) as KubernetesListObject<ScheduledWorkflowObject>,
    );
    const apply = (object: ScheduledWorkflowObject, enabled: boolean) => void this.#apply(object, enabled);
    this.#informer.on('add', (o) => apply(o, o.spec?.enabled === true));
    this.#informer.on('update', (o) => apply(o, o.spec?.enabled === true));
    this.#informer.on('delete', (o) => apply(o, false));
    // Restarted with exponential backoff and jitter after errors, not every 2 s (one log line per attempt).
    this.#watch = new InformerSupervisor(this.#informer, { name: 'scheduled workflows', ...(options.logger ? { logger: options.logger } : {}) });
  }

  start(): Promise<void> {
    return this.#watch.start();
  }

  stop(): Promise<void> {
    return this.#watch.stop();
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
