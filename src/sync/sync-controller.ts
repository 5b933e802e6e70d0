import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { describeClusterError } from '../kube/informer-supervisor.js';
import { RetryBackoff, WATCH_BACKOFF } from '../kube/retry-backoff.js';
import type { Logger } from '../server/logger.js';
import type { WorkflowClient } from '../kube/workflow-client.js';
import { LABEL_SCHEDULED_WORKFLOW_NAME, type RunLabel } from '../kube/workflow/run-labels.js';
import type { Workflow } from '../kube/workflow/workflow-types.js';
import type { ControllerStateStore } from './controller-state-store.js';
import type { LeaseLeaderElector } from './lease-leader-elector.js';
import type { RunEvents } from './run-events.js';
import { runUpdateOf, type RecordOutcome, type WorkflowRecorder } from './workflow-recorder.js';

export const WORKFLOWS_STATE_KEY = 'workflows.resourceVersion';
const WORKFLOWS_PATH = '/apis/argoproj.io/v1alpha1/workflows';

export interface SyncControllerDeps {
  readonly kubeConfig: KubeConfig;
  readonly workflows: WorkflowClient;
  readonly recorder: WorkflowRecorder;
  /** The label that names a Workflow's run (run-labels.ts); Workflows with neither it nor a schedule's label are skipped. */
  readonly runLabel: RunLabel;
  readonly state: ControllerStateStore;
  readonly events: RunEvents;
  /** Null: this is the only replica and always writes. */
  readonly elector: LeaseLeaderElector | null;
  /**
   * kfp mode: KFP's persistence agent owns run_details, so this controller never writes; it watches and
   * publishes run updates, as a follower does, keyed by KFP's run UUID (`pipeline/runid`).
   */
  readonly publishOnly?: boolean;
  readonly logger?: Logger;
  readonly now?: () => number;
  /**
   * Backoff for SQL or cluster failures: writes default to 100 ms doubling to 5 s; the list/watch loop to
   * client-go's reflector backoff (800 ms doubling to 30 s), both with jitter on the list/watch restarts.
   */
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
  /** How long a workflow whose run row is not written yet is retried. Default 60 s. */
  readonly missingRowTimeoutMs?: number;
}

export interface SyncStats {
  recorded: number;
  ignored: number;
  published: number;
  relists: number;
  watches: number;
  failures: number;
  /** Watch events handled (every type, KFP workflow or not). */
  events: number;
  /** How long the last event waited from its arrival until it was applied: the sync's lag behind the cluster. */
  lagMs: number;
}

type WatchEnd = 'gone' | 'ended' | 'restart';

/**
 * The sync controller: list+watch every Workflow of the cluster (runs carry the run label, `deps.runLabel`, or a
 * ScheduledWorkflow's label; others are skipped) and apply each to its run through the WorkflowRecorder.
 *
 * - Resumes from the resourceVersion stored in `controller_state` after the last event it fully applied, so a
 *   restart replays at most one event (and replays change nothing); a 410 Gone relists.
 * - An event that cannot be applied (SQL briefly down) is retried with backoff before the next one: nothing is
 *   lost or reordered, and the stored resourceVersion never passes an unapplied event.
 * - Only the Lease holder writes. Followers watch too and publish run updates derived from the workflows
 *   (without writing), so subscribers on any replica see live updates; becoming leader restarts the watch from
 *   the stored resourceVersion, catching up on what the previous leader did not apply.
 */
export class SyncController {
  readonly #deps: SyncControllerDeps;
  readonly #now: () => number;
  readonly stats: SyncStats = { recorded: 0, ignored: 0, published: 0, relists: 0, watches: 0, failures: 0, events: 0, lagMs: 0 };
  #stopped = true;
  #loop: Promise<void> | undefined;
  #abortWatch: (() => void) | undefined;
  #followerVersion: string | null = null;
  readonly #missing = new Map<string, { readonly namespace: string; readonly name: string; readonly since: number }>();
  #missingTimer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  readonly #onStop: (() => Promise<void>)[] = [];

  constructor(deps: SyncControllerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  isLeader(): boolean {
    if (this.#deps.publishOnly) return false;
    return this.#deps.elector === null || this.#deps.elector.isLeader();
  }

  /** Called by the elector on a change: the watch restarts in the new role. */
  leadershipChanged(): void {
    this.#abortWatch?.();
  }

  async start(): Promise<void> {
    this.#stopped = false;
    await this.#deps.elector?.start();
    this.#loop = this.#run();
    this.#missingTimer = setInterval(() => void this.#retryMissing(), 500);
    this.#missingTimer.unref();
  }

  /** Work that lives and dies with the controller (the ScheduledWorkflow mirror). */
  onStop(stop: () => Promise<void>): void {
    this.#onStop.push(stop);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#onStop.map((stop) => stop().catch(() => undefined)));
    clearInterval(this.#missingTimer);
    this.#abortWatch?.();
    this.#wake?.();
    await this.#loop?.catch(() => undefined);
    await this.#deps.elector?.stop();
  }

  async #run(): Promise<void> {
    // Jittered so that replicas which lost the API server together do not relist in lock-step.
    const backoff = new RetryBackoff(this.#deps.retry ? { ...this.#deps.retry, jitter: 1 } : WATCH_BACKOFF);
    while (!this.#stopped) {
      try {
        const leader = this.isLeader();
        let version = leader ? await this.#deps.state.get(WORKFLOWS_STATE_KEY) : this.#followerVersion;
        if (!version) version = await this.#relist(leader);
        const end = await this.#watch(version, leader, () => backoff.reset());
        if (end === 'gone') {
          this.stats.relists += 1;
          this.#followerVersion = null;
          if (leader && this.isLeader()) await this.#deps.state.clear(WORKFLOWS_STATE_KEY);
        }
        backoff.reset();
      } catch (error) {
        if (this.#stopped) return;
        this.stats.failures += 1;
        const delayMs = backoff.next();
        this.#deps.logger?.warn('sync: list/watch failed; retrying', { error: describeClusterError(error), delayMs, attempt: backoff.attempts });
        await this.#sleep(delayMs);
      }
    }
  }

  /** Applies every current workflow (as leader), then returns the list's resourceVersion to watch from. */
  async #relist(leader: boolean): Promise<string> {
    const list = await this.#deps.workflows.listAll();
    if (leader) {
      for (const workflow of list.items) await this.#apply(workflow);
      await this.#retrying(() => this.#deps.state.set(WORKFLOWS_STATE_KEY, list.resourceVersion, this.#now()));
    } else {
      this.#followerVersion = list.resourceVersion;
    }
    return list.resourceVersion;
  }

  /** Resolves how the watch ended; rejects when it failed (could not start, or broke), for the loop's backoff. */
  #watch(version: string, leader: boolean, onConnected: () => void): Promise<WatchEnd> {
    this.stats.watches += 1;
    return new Promise<WatchEnd>((resolve, reject) => {
      let failed = false;
      let chain: Promise<void> = Promise.resolve();
      let end: WatchEnd = 'ended';
      let controller: AbortController | undefined;
      let aborted = false;
      const abort = (reason: WatchEnd): void => {
        if (end === 'ended') end = reason;
        aborted = true;
        controller?.abort();
      };
      this.#abortWatch = () => abort('restart');
      const onEvent = (type: string, object: unknown): void => {
        // Measured from arrival, not from the start of its turn: events queue behind a slow write.
        const arrived = performance.now();
        chain = chain
          .then(async () => {
            if (aborted && end !== 'ended') return;
            if (type === 'ERROR') {
              const code = (object as { code?: number } | null)?.code;
              abort(code === 410 ? 'gone' : 'ended');
              return;
            }
            if (leader !== this.isLeader()) {
              abort('restart');
              return;
            }
            await this.#handle(type, object as Workflow, leader);
            this.stats.events += 1;
            this.stats.lagMs = performance.now() - arrived;
          })
          .catch((error: unknown) => {
            // Only a stop interrupts #retrying: the event stays unapplied and its resourceVersion unsaved.
            this.#deps.logger?.debug('sync: event abandoned', { error });
            abort('restart');
          });
      };
      const onDone = (error: unknown): void => {
        if (error) failed = true;
        const status = (error as { statusCode?: number } | null)?.statusCode;
        if (status === 410) end = end === 'ended' ? 'gone' : end;
        void chain.then(() => {
          this.#abortWatch = undefined;
          if (error && !aborted && status !== 410) {
            // The loop backs off before it tries again (counted and logged there).
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          resolve(end);
        });
      };
      new Watch(this.#deps.kubeConfig)
        .watch(WORKFLOWS_PATH, { resourceVersion: version, allowWatchBookmarks: true }, onEvent, onDone)
        .then((c) => {
          controller = c;
          if (aborted || this.#stopped) c.abort();
          else if (!failed) onConnected();
        })
        .catch(onDone);
    });
  }

  async #handle(type: string, workflow: Workflow, leader: boolean): Promise<void> {
    const version = workflow.metadata?.resourceVersion;
    if ((type === 'ADDED' || type === 'MODIFIED') && isRunWorkflow(workflow, this.#deps.runLabel)) {
      if (leader) {
        await this.#apply(workflow);
      } else {
        const event = runUpdateOf(workflow, this.#deps.runLabel);
        if (event) {
          this.#deps.events.publish(event);
          this.stats.published += 1;
        }
      }
    }
    // DELETED carries the object's last state: apply it in case an update before it was missed; the run then
    // outlives its workflow with that snapshot. A row already gone (deleteRun) is not waited for.
    if (type === 'DELETED' && leader && isRunWorkflow(workflow, this.#deps.runLabel)) {
      const outcome = await this.#retrying(() => this.#deps.recorder.record(workflow));
      if (outcome.kind !== 'missing') this.#count(outcome, workflow);
    }
    if (!version) return;
    if (leader) await this.#retrying(() => this.#deps.state.set(WORKFLOWS_STATE_KEY, version, this.#now()));
    else this.#followerVersion = version;
  }

  async #apply(workflow: Workflow): Promise<void> {
    if (!isRunWorkflow(workflow, this.#deps.runLabel)) return;
    const outcome: RecordOutcome = await this.#retrying(() => this.#deps.recorder.record(workflow));
    this.#count(outcome, workflow);
  }

  #count(outcome: RecordOutcome, workflow: Workflow): void {
    if (outcome.kind === 'recorded') {
      this.stats.recorded += 1;
      this.#deps.events.publish(outcome.event);
      this.stats.published += 1;
    } else if (outcome.kind === 'missing') {
      // createRun writes the workflow, then the row: look again shortly, at the then-current object.
      const { namespace = '', name = '' } = workflow.metadata;
      if (!this.#missing.has(outcome.runId)) this.#missing.set(outcome.runId, { namespace, name, since: this.#now() });
    } else {
      this.stats.ignored += 1;
    }
  }

  async #retryMissing(): Promise<void> {
    if (this.#stopped || !this.isLeader() || this.#missing.size === 0) return;
    const timeout = this.#deps.missingRowTimeoutMs ?? 60_000;
    for (const [runId, entry] of [...this.#missing]) {
      this.#missing.delete(runId);
      if (this.#now() - entry.since > timeout) continue;
      try {
        const live = await this.#deps.workflows.get(entry.namespace, entry.name);
        if (!live) continue;
        const outcome = await this.#deps.recorder.record(live);
        if (outcome.kind === 'missing') this.#missing.set(runId, entry);
        else this.#count(outcome, live);
      } catch {
        this.#missing.set(runId, entry);
      }
    }
  }

  async #retrying<T>(action: () => Promise<T>): Promise<T> {
    let delay = this.#deps.retry?.initialMs ?? 100;
    for (;;) {
      try {
        return await action();
      } catch (error) {
        if (this.#stopped) throw error;
        this.stats.failures += 1;
        this.#deps.logger?.warn('sync: write failed; retrying', { error, delayMs: delay });
        await this.#sleep(delay);
        delay = Math.min(delay * 2, this.#deps.retry?.maxMs ?? 5_000);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function isRunWorkflow(workflow: Workflow, runLabel: RunLabel): boolean {
  const labels = workflow.metadata?.labels ?? {};
  return labels[runLabel] !== undefined || labels[LABEL_SCHEDULED_WORKFLOW_NAME] !== undefined;
}
