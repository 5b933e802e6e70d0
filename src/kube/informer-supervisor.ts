import type { Informer, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../server/logger.js';
import { RetryBackoff, WATCH_BACKOFF, type BackoffSettings } from './retry-backoff.js';

export interface SupervisorOptions {
  /** Names the watch in the logs ("profiles", "scheduled workflows"). */
  readonly name: string;
  readonly logger?: Logger;
  readonly backoff?: BackoffSettings;
  readonly now?: () => number;
}

/** A cluster error without its stack: a refused connection is an operational fact, not a bug to debug. */
export function describeClusterError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as { code?: unknown }).code ?? (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}

/**
 * Keeps one client-node informer running and says whether its cache can be trusted. client-node's ListWatch
 * stops on an error (a refused connection, a failed relist) and only emits `error`; this restarts it with
 * exponential backoff and jitter (client-go's reflector does the same), and remembers since when it has been
 * failing, so that a reader can refuse to answer from a cache that no longer follows the cluster.
 *
 * `informer.start()` resolves once the list has been read and the watch connected, or after it emitted `error`;
 * an attempt during which no error was emitted is a success.
 */
export class InformerSupervisor<T extends KubernetesObject = KubernetesObject> {
  readonly #informer: Informer<T>;
  readonly #options: SupervisorOptions;
  readonly #backoff: RetryBackoff;
  readonly #now: () => number;
  #errors = 0;
  #synced = false;
  #failingSince: number | null = null;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(informer: Informer<T>, options: SupervisorOptions) {
    this.#informer = informer;
    this.#options = options;
    this.#backoff = new RetryBackoff(options.backoff ?? WATCH_BACKOFF);
    this.#now = options.now ?? Date.now;
    informer.on('error', (error: unknown) => this.#failed(error));
  }

  /** True once a list has been read and its watch connected at least once. */
  get synced(): boolean {
    return this.#synced;
  }

  /** When the watch broke and has not been re-established since; null while it follows the cluster. */
  get failingSince(): number | null {
    return this.#failingSince;
  }

  /** The first attempt; resolves whether or not it succeeded (later attempts follow by themselves). */
  start(): Promise<void> {
    this.#stopped = false;
    return this.#attempt();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#informer.stop();
  }

  async #attempt(): Promise<void> {
    const before = this.#errors;
    try {
      await this.#informer.start();
    } catch (error) {
      this.#failed(error);
      return;
    }
    if (this.#errors !== before || this.#stopped) return;
    if (this.#failingSince !== null && this.#backoff.attempts > 0) {
      this.#options.logger?.info('watch re-established', { watch: this.#options.name, attempts: this.#backoff.attempts });
    }
    this.#synced = true;
    this.#failingSince = null;
    this.#backoff.reset();
  }

  #failed(error: unknown): void {
    this.#errors += 1;
    this.#failingSince ??= this.#now();
    if (this.#stopped || this.#timer !== undefined) return;
    const delayMs = this.#backoff.next();
    this.#options.logger?.warn('watch failed; retrying', {
      watch: this.#options.name,
      error: describeClusterError(error),
      delayMs,
      attempt: this.#backoff.attempts,
    });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#stopped) void this.#attempt();
    }, delayMs);
    this.#timer.unref();
  }
}
