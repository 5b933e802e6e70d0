import type { Kysely } from 'kysely';
import type { NamespaceDirectory } from '../kube/namespace-directory.js';
import type { WorkflowClient } from '../kube/workflow-client.js';
import { STANDALONE_RUN_LABEL } from '../kube/workflow/run-labels.js';
import type { Workflow } from '../kube/workflow/workflow-types.js';
import { isWorkflowOfRun } from '../runs/own-workflow.js';
import type { Logger } from '../server/logger.js';
import type { Database } from '../store/database.js';
import { IdempotencyRepository } from '../store/idempotency-repository.js';

export interface RunReconcilerDeps {
  readonly db: Kysely<Database>;
  readonly workflows: WorkflowClient;
  readonly directory: NamespaceDirectory;
  /** Younger Workflows and pending runs are left alone: their createRun may still be running. */
  readonly graceMs: number;
  /** Request IDs older than this are forgotten. */
  readonly keyTtlMs: number;
  readonly now: () => number;
  readonly logger?: Logger;
}

export interface ReconcileReport {
  /** Workflows with kfp-graph's run label and no run of theirs, deleted. */
  readonly deletedWorkflows: readonly string[];
  /** Runs left pending whose Workflow exists: marked created. */
  readonly adoptedRuns: readonly string[];
  /** Runs left pending whose Workflow does not exist: removed, with their request ID. */
  readonly droppedRuns: readonly string[];
  readonly prunedKeys: number;
}

const PENDING_BATCH = 100;
const ID_CHUNK = 500;

/**
 * Settles what a createRun interrupted half-way left behind (the process died, or the cluster and the
 * database failed together), as KFP's own garbage collection does for Workflows it has no run for
 * (KFP: backend/src/apiserver/resource/resource_manager.go ReportWorkflowResource deletes a Workflow whose run
 * is not in its database, after a grace period). Only Workflows carrying kfp-graph's own run label are
 * considered, and only in tenant namespaces; scheduled runs never carry it (their row is written by the sync).
 *
 * - a labelled Workflow older than the grace period whose run row does not exist (or belongs to another
 *   namespace or another Workflow): deleted, and logged;
 * - a run pending creation past the grace period whose Workflow exists: adopted (marked created);
 * - a run pending creation past the grace period whose Workflow does not exist: dropped with its request ID.
 */
export class RunReconciler {
  readonly #deps: RunReconcilerDeps;

  constructor(deps: RunReconcilerDeps) {
    this.#deps = deps;
  }

  async reconcileOnce(): Promise<ReconcileReport> {
    const { db, workflows, directory, logger } = this.#deps;
    const now = this.#deps.now();
    const cutoff = now - this.#deps.graceMs;
    const deletedWorkflows: string[] = [];
    const adoptedRuns: string[] = [];
    const droppedRuns: string[] = [];

    const labelled = (await workflows.listAll(STANDALONE_RUN_LABEL)).items.filter((w) => {
      const namespace = w.metadata.namespace;
      const created = Date.parse(w.metadata.creationTimestamp ?? '');
      return namespace !== undefined && directory.has(namespace) && Number.isFinite(created) && created <= cutoff;
    });
    const rows = await this.#runsByIds(labelled.map((w) => w.metadata.labels?.[STANDALONE_RUN_LABEL] ?? ''));
    const settled = new Set<string>();
    for (const workflow of labelled) {
      const runId = workflow.metadata.labels?.[STANDALONE_RUN_LABEL] ?? '';
      const row = rows.get(runId);
      const name = workflow.metadata.name ?? '';
      const namespace = workflow.metadata.namespace ?? '';
      if (row && row.namespace === namespace && (row.workflow_name === null || row.workflow_name === name)) {
        if (row.pending_since !== null && row.pending_since <= cutoff) {
          await this.#adopt(row.id, name);
          adoptedRuns.push(row.id);
          logger?.warn('reconcile: run left pending creation adopted; its workflow exists', { runId: row.id, namespace, workflow: name });
        }
        settled.add(row.id);
        continue;
      }
      if (await workflows.delete(namespace, name)) {
        deletedWorkflows.push(`${namespace}/${name}`);
        logger?.warn('reconcile: deleted a kfp-graph-labelled workflow that has no run', { namespace, workflow: name, runId });
      }
    }

    const pending = await db
      .selectFrom('runs')
      .select(['id', 'namespace', 'workflow_name'])
      .where('pending_since', 'is not', null)
      .where('pending_since', '<=', cutoff)
      .orderBy('pending_since')
      .limit(PENDING_BATCH)
      .execute();
    for (const row of pending) {
      if (settled.has(row.id)) continue;
      const live: Workflow | null = row.workflow_name ? await workflows.get(row.namespace, row.workflow_name) : null;
      if (live && isWorkflowOfRun(live, row.id)) {
        await this.#adopt(row.id, row.workflow_name ?? '');
        adoptedRuns.push(row.id);
        logger?.warn('reconcile: run left pending creation adopted; its workflow exists', {
          runId: row.id,
          namespace: row.namespace,
          workflow: row.workflow_name,
        });
        continue;
      }
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('runs').where('id', '=', row.id).where('pending_since', 'is not', null).execute();
        await trx.deleteFrom('idempotency_keys').where('resource_id', '=', row.id).where('operation', '=', 'createRun').execute();
      });
      droppedRuns.push(row.id);
      logger?.warn('reconcile: run left pending creation dropped; its workflow was never created', { runId: row.id, namespace: row.namespace });
    }

    const prunedKeys = await new IdempotencyRepository(db).prune(now - this.#deps.keyTtlMs);
    return { deletedWorkflows, adoptedRuns, droppedRuns, prunedKeys };
  }

  async #adopt(runId: string, workflowName: string): Promise<void> {
    await this.#deps.db
      .updateTable('runs')
      .set({ pending_since: null, workflow_name: workflowName, updated_at: this.#deps.now() })
      .where('id', '=', runId)
      .where('pending_since', 'is not', null)
      .execute();
  }

  async #runsByIds(ids: readonly string[]) {
    const unique = [...new Set(ids.filter(Boolean))];
    const found = new Map<string, { id: string; namespace: string; workflow_name: string | null; pending_since: number | null }>();
    for (let i = 0; i < unique.length; i += ID_CHUNK) {
      const chunk = unique.slice(i, i + ID_CHUNK);
      const rows = await this.#deps.db.selectFrom('runs').select(['id', 'namespace', 'workflow_name', 'pending_since']).where('id', 'in', chunk).execute();
      for (const row of rows) found.set(row.id, row);
    }
    return found;
  }
}
