import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Authorizer } from '../authz/authorizer.js';
import type { Config } from '../config/config.js';
import type { NamespaceDirectory } from '../kube/namespace-directory.js';
import type { ScheduledWorkflowClient } from '../kube/scheduled-workflow-client.js';
import type { WorkflowClient } from '../kube/workflow-client.js';
import { KFP_RUN_LABEL, STANDALONE_RUN_LABEL } from '../kube/workflow/run-labels.js';
import { MetadataWriter } from '../mlmd/metadata-writer.js';
import type { Logger } from '../server/logger.js';
import type { StoreHandle } from '../store/store-handle.js';
import { ControllerStateStore } from './controller-state-store.js';
import { LeaseLeaderElector } from './lease-leader-elector.js';
import type { RunEvents } from './run-events.js';
import { RunReconciler } from './run-reconciler.js';
import { ScheduledWorkflowMirror } from './scheduled-workflow-mirror.js';
import { SyncController } from './sync-controller.js';
import { WorkflowRecorder } from './workflow-recorder.js';

export const SYNC_LEASE_NAME = 'kfp-graph-sync';

export interface SyncParts {
  readonly config: Pick<Config, 'CONTROL_PLANE_NAMESPACE' | 'LEADER_ELECTION_NAMESPACE' | 'LEASE_DURATION_MS' | 'POD_NAME'> &
    Partial<Pick<Config, 'PIPELINE_ROOT_TEMPLATE' | 'RUN_RECONCILE_GRACE_SECONDS' | 'RUN_RECONCILE_INTERVAL_SECONDS' | 'IDEMPOTENCY_KEY_TTL_SECONDS'>>;
  readonly kubeConfig: KubeConfig;
  readonly store: StoreHandle;
  readonly directory: NamespaceDirectory;
  readonly workflows: WorkflowClient;
  readonly scheduledWorkflows: ScheduledWorkflowClient;
  /** Uncached: the creator of a recurring run is re-checked as of now. */
  readonly creatorAuthorizer: Authorizer;
  readonly events: RunEvents;
  readonly logger?: Logger;
  readonly now?: () => number;
  /** Default true: elect a leader with a Lease. False: this replica always writes (tests, single binary). */
  readonly leaderElection?: boolean;
  readonly identity?: string;
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
  /** kfp mode: watch and publish only; no lease, no writes, no ScheduledWorkflow mirror (KFP owns them). */
  readonly publishOnly?: boolean;
}

/**
 * Builds and starts the sync controller with its leader elector and the ScheduledWorkflow mirror; `stop()` stops
 * both and releases the lease.
 */
export async function startSync(parts: SyncParts): Promise<SyncController> {
  const now = parts.now ?? Date.now;
  const recorder = new WorkflowRecorder({
    db: parts.store.db,
    metadata: new MetadataWriter(parts.store.db, parts.store.dialect),
    directory: parts.directory,
    workflows: parts.workflows,
    scheduledWorkflows: parts.scheduledWorkflows,
    creatorAuthorizer: parts.creatorAuthorizer,
    runLabel: STANDALONE_RUN_LABEL,
    ...(parts.config.PIPELINE_ROOT_TEMPLATE === undefined ? {} : { pipelineRootTemplate: parts.config.PIPELINE_ROOT_TEMPLATE }),
    now,
  });
  let controller: SyncController | undefined;
  const elector =
    parts.leaderElection === false || parts.publishOnly
      ? null
      : new LeaseLeaderElector(parts.kubeConfig, {
          namespace: parts.config.LEADER_ELECTION_NAMESPACE ?? parts.config.CONTROL_PLANE_NAMESPACE,
          name: SYNC_LEASE_NAME,
          identity: parts.identity ?? parts.config.POD_NAME ?? `${hostname()}-${randomUUID().slice(0, 8)}`,
          leaseDurationMs: parts.config.LEASE_DURATION_MS,
          now,
          onChange: (leader) => {
            parts.logger?.info('sync: leadership changed', { leader });
            controller?.leadershipChanged();
          },
          onError: (error) => parts.logger?.warn('sync: lease renewal failed', { error }),
        });
  controller = new SyncController({
    kubeConfig: parts.kubeConfig,
    workflows: parts.workflows,
    recorder,
    // kfp mode: KFP's API server created the runs and labels them `pipeline/runid` (its persistence agent
    // records them); standalone runs carry kfp-graph's own label.
    runLabel: parts.publishOnly ? KFP_RUN_LABEL : STANDALONE_RUN_LABEL,
    state: new ControllerStateStore(parts.store.db),
    events: parts.events,
    elector,
    ...(parts.logger ? { logger: parts.logger } : {}),
    now,
    ...(parts.retry ? { retry: parts.retry } : {}),
    ...(parts.publishOnly ? { publishOnly: true } : {}),
  });
  if (parts.publishOnly) {
    await controller.start();
    return controller;
  }
  const mirror = new ScheduledWorkflowMirror(parts.kubeConfig, parts.store.db, {
    isLeader: () => controller?.isLeader() ?? false,
    now,
    ...(parts.logger ? { logger: parts.logger } : {}),
  });
  controller.onStop(() => mirror.stop());
  const reconciler = new RunReconciler({
    db: parts.store.db,
    workflows: parts.workflows,
    directory: parts.directory,
    graceMs: (parts.config.RUN_RECONCILE_GRACE_SECONDS ?? 300) * 1000,
    keyTtlMs: (parts.config.IDEMPOTENCY_KEY_TTL_SECONDS ?? 86_400) * 1000,
    now,
    ...(parts.logger ? { logger: parts.logger } : {}),
  });
  // Only the Lease holder reconciles, like every other write of the sync; one pass at a time.
  let reconciling = false;
  const reconcileTimer = setInterval(
    () => {
      if (reconciling || !controller?.isLeader()) return;
      reconciling = true;
      reconciler
        .reconcileOnce()
        .catch((error: unknown) => parts.logger?.warn('reconcile: pass failed; retried next interval', { error }))
        .finally(() => {
          reconciling = false;
        });
    },
    (parts.config.RUN_RECONCILE_INTERVAL_SECONDS ?? 60) * 1000,
  );
  reconcileTimer.unref();
  controller.onStop(async () => clearInterval(reconcileTimer));
  await Promise.all([controller.start(), mirror.start()]);
  return controller;
}
