/**
 * Exponential backoff with jitter for restarting a watch or a list. Like client-go's reflector
 * (k8s.io/client-go/tools/cache/reflector.go: 800 ms doubling to 30 s, jitter factor 1.0), each delay is the
 * current step plus up to one step of random jitter, so a fleet of replicas that lost the API server at the same
 * moment does not come back in lock-step, and a long outage costs a handful of log lines rather than one every 2 s.
 */
export interface BackoffSettings {
  readonly initialMs: number;
  readonly maxMs: number;
  /** 0..1: the share of each step that is random. Default 1 (client-go's jitter factor). */
  readonly jitter?: number;
}

export const WATCH_BACKOFF: BackoffSettings = { initialMs: 800, maxMs: 30_000, jitter: 1 };

export class RetryBackoff {
  readonly #settings: BackoffSettings;
  readonly #random: () => number;
  #step: number;
  #attempts = 0;

  constructor(settings: BackoffSettings = WATCH_BACKOFF, random: () => number = Math.random) {
    this.#settings = settings;
    this.#random = random;
    this.#step = settings.initialMs;
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.#attempts;
  }

  /** The delay before the next attempt; each call doubles the step up to `maxMs`. */
  next(): number {
    const step = this.#step;
    this.#attempts += 1;
    this.#step = Math.min(this.#step * 2, this.#settings.maxMs);
    const jitter = this.#settings.jitter ?? 1;
    return Math.min(Math.round(step * (1 - jitter / 2) + this.#random() * step * jitter), this.#settings.maxMs);
  }

  /** After a success: the next failure waits the initial step again. */
  reset(): void {
    this.#step = this.#settings.initialMs;
    this.#attempts = 0;
  }
}
