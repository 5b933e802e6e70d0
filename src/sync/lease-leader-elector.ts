import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { apiStatusCode } from '../kube/kube-api-error.js';

export interface LeaderElectorOptions {
  readonly namespace: string;
  readonly name: string;
  /** This replica's identity (the pod name). */
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly now?: () => number;
  readonly onChange?: (leader: boolean) => void;
  readonly onError?: (error: unknown) => void;
}

/**
 * Leader election with a `coordination.k8s.io/v1` Lease, as client-go's leaderelection package does: the holder
 * renews `renewTime` every third of the lease duration; another replica takes the lease over only once it
 * expired. Every write carries the resourceVersion it read, so of two replicas racing for the lease the API
 * server accepts one and answers the other 409 Conflict. Leadership counts only while the last successful
 * renewal is younger than the lease duration, so a replica cut off from the API server steps down by itself.
 */
export class LeaseLeaderElector {
  readonly #api: CoordinationV1Api;
  readonly #options: LeaderElectorOptions;
  readonly #now: () => number;
  #renewedAt = 0;
  #leader = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #running: Promise<void> | undefined;

  constructor(kubeConfig: KubeConfig, options: LeaderElectorOptions) {
    this.#api = kubeConfig.makeApiClient(CoordinationV1Api);
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get identity(): string {
    return this.#options.identity;
  }

  isLeader(): boolean {
    return this.#leader && this.#now() - this.#renewedAt < this.#options.leaseDurationMs;
  }

  /** Tries once right away, then keeps trying / renewing in the background. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#tick();
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    this.#running = this.#tryAcquireOrRenew()
      .then((held) => this.#setLeader(held))
      .catch((error: unknown) => {
        this.#options.onError?.(error);
        this.#setLeader(this.isLeader());
      });
    await this.#running;
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#tick(), Math.max(50, Math.floor(this.#options.leaseDurationMs / 3)));
    this.#timer.unref();
  }

  #setLeader(held: boolean): void {
    if (held) this.#renewedAt = this.#now();
    const leader = held || this.isLeader();
    if (leader !== this.#leader) {
      this.#leader = leader;
      this.#options.onChange?.(leader);
    }
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.#options;
    const seconds = Math.max(1, Math.ceil(this.#options.leaseDurationMs / 1000));
    const now = new Date(this.#now());
    let lease: V1Lease;
    try {
      lease = await this.#api.readNamespacedLease({ namespace, name });
    } catch (error) {
      if (apiStatusCode(error) !== 404) throw error;
      try {
        await this.#api.createNamespacedLease({
          namespace,
          body: {
            metadata: { name, namespace },
            spec: { holderIdentity: identity, leaseDurationSeconds: seconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
          },
        });
        return true;
      } catch (createError) {
        if (apiStatusCode(createError) === 409) return false;
        throw createError;
      }
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const renewed = spec.renewTime ? new Date(spec.renewTime).getTime() : 0;
    const duration = (spec.leaseDurationSeconds ?? seconds) * 1000;
    const mine = holder === identity;
    if (!mine && holder !== '' && renewed + duration > this.#now()) return false;
    try {
      await this.#api.replaceNamespacedLease({
        namespace,
        name,
        body: {
          ...lease,
          spec: {
            ...spec,
            holderIdentity: identity,
            leaseDurationSeconds: seconds,
            renewTime: now,
            ...(mine ? {} : { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
          },
        },
      });
      return true;
    } catch (error) {
      if (apiStatusCode(error) === 409) return false;
      throw error;
    }
  }

  /** Stops renewing and, if held, releases the lease so another replica takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
    if (!this.#leader) return;
    this.#leader = false;
    this.#options.onChange?.(false);
    const { namespace, name, identity } = this.#options;
    try {
      const lease = await this.#api.readNamespacedLease({ namespace, name });
      if (lease.spec?.holderIdentity !== identity) return;
      await this.#api.replaceNamespacedLease({ namespace, name, body: { ...lease, spec: { ...lease.spec, holderIdentity: '', renewTime: new Date(0) } } });
    } catch (error) {
      this.#options.onError?.(error);
    }
  }
}
