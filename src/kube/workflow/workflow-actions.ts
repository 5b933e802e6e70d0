import { ConflictError } from '../../errors/domain-errors.js';
import { podNameForNode } from './pod-name.js';
import { LABEL_PERSISTED_FINAL_STATE } from './run-labels.js';
import type { RunState } from './run-state.js';
import { isJsonObject } from './workflow-types.js';
import type { NodeStatus, NodeType, Workflow, WorkflowStatus } from './workflow-types.js';

/** A JSON merge patch (RFC 7386) for a Workflow. */
export interface TerminatePatch {
  readonly spec: { readonly shutdown: 'Terminate' };
}

/**
 * What `argo terminate` sends (workflow/util `TerminateWorkflow`): a merge patch setting `spec.shutdown`.
 * Argo then kills the pods and skips exit handlers; the workflow ends Failed, which kfp-graph reports as CANCELED
 * (KFP, which patches `activeDeadlineSeconds: 0` instead, would report FAILED: see run-state.ts).
 */
export function terminatePatch(): TerminatePatch {
  return { spec: { shutdown: 'Terminate' } };
}

/** Only unfinished runs can be terminated (Argo refuses to shut down a completed workflow). */
export function canTerminate(state: RunState): boolean {
  return state === 'PENDING' || state === 'RUNNING' || state === 'PAUSED';
}

export function assertCanTerminate(state: RunState): void {
  if (!canTerminate(state)) throw new ConflictError(`a run in state ${state} cannot be terminated`, { state });
}

/** Argo retries only Failed or Error workflows (`FormulateRetryWorkflow`, without restartSuccessful). */
export function canRetry(workflow: Pick<Workflow, 'status'>): boolean {
  const phase = workflow.status?.phase;
  return phase === 'Failed' || phase === 'Error';
}

export function assertCanRetry(workflow: Pick<Workflow, 'status'>): void {
  if (!canRetry(workflow)) {
    const phase = workflow.status?.phase ?? '';
    throw new ConflictError(`a workflow in phase "${phase}" cannot be retried; only Failed or Error ones can`, { phase });
  }
}

export interface RetryResult {
  /** The whole object to write back with an update (it keeps `resourceVersion`, so a race is a conflict). */
  readonly workflow: Workflow;
  /** Pods of the deleted nodes: delete them, or the controller would adopt their old failed state. */
  readonly podsToDelete: readonly string[];
}

const EXECUTION_TYPES: ReadonlySet<NodeType | string> = new Set(['Pod', 'Container', 'HTTP', 'Plugin']);
const GROUP_TYPES: ReadonlySet<NodeType | string> = new Set(['DAG', 'TaskGroup', 'StepGroup', 'Steps']);
const COMPLETED_LABELS = ['workflows.argoproj.io/completed', 'workflows.argoproj.io/workflow-archiving-status'];

/**
 * The Workflow `argo retry` produces, after Argo's `FormulateRetryWorkflow` (workflow/util/util.go):
 *
 * - failed/errored execution nodes (Pod, Container, HTTP, Plugin) with no succeeded descendant are deleted
 *   from `status.nodes`, with their descendants (Omitted dependants, a Container's Pod) and every `onExit`
 *   node, and their pods are returned for deletion;
 * - the group nodes above them (DAG, Steps, StepGroup, TaskGroup, and failed Retry nodes) are *reset*, not
 *   deleted: phase Running, message cleared, `finishedAt` removed, as Argo's `resetNode` does, so the
 *   controller re-walks the DAG and re-creates exactly the deleted tasks; succeeded nodes are kept as is;
 * - the workflow: phase Running (as KFP's own retry and Argo ≤ v3.5 write it; Argo ≥ v3.6 writes "" and
 *   lets the controller re-initialise, which both handle), message and `finishedAt` cleared, `startedAt`
 *   now, condition Completed=False, `spec.shutdown` and a terminating `activeDeadlineSeconds: 0` removed,
 *   the completed/archiving labels and KFP's `pipeline/persistedFinalState` removed so both controllers
 *   pick the workflow up again.
 *
 * Throws ConflictError unless the workflow is Failed or Error.
 */
export function retryWorkflow(workflow: Workflow, now: Date = new Date()): RetryResult {
  assertCanRetry(workflow);
  const nodes = workflow.status?.nodes ?? {};
  const ids = Object.keys(nodes).sort();
  const parentOf = new Map<string, string>();
  // A DAG task may be the child of several tasks (`depends: B && C`); like Argo, keep one parent,
  // chosen deterministically (the last in ID order).
  for (const id of ids) for (const child of nodes[id]?.children ?? []) parentOf.set(child, id);

  const descendants = (id: string): readonly string[] => {
    const seen = new Set<string>();
    const queue = [...(nodes[id]?.children ?? [])];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(nodes[next]?.children ?? []));
    }
    return [...seen];
  };
  const hasSucceededDescendant = (id: string): boolean => descendants(id).some((d) => nodes[d]?.phase === 'Succeeded');
  const isFailed = (node: NodeStatus | undefined): boolean => node?.phase === 'Failed' || node?.phase === 'Error';

  const toDelete = new Set<string>();
  const toReset = new Set<string>();
  for (const id of topologicalOrder(nodes, workflow.metadata.name ?? '')) {
    const node = nodes[id];
    if (node === undefined || toDelete.has(id) || !isFailed(node) || !EXECUTION_TYPES.has(node.type)) continue;
    // A failed attempt under a Retry node counts as failed only if the Retry node as a whole did not recover.
    const retryParent = retryParentOf(id, nodes, parentOf);
    if (hasSucceededDescendant(retryParent ?? id)) continue;

    // For a Container node (containerSet), the unit Argo re-runs is its Pod.
    let start = id;
    if (node.type === 'Container') {
      for (let up = parentOf.get(id); up !== undefined; up = parentOf.get(up)) {
        if (nodes[up]?.type === 'Pod') {
          start = up;
          break;
        }
      }
    }
    toDelete.add(start);
    for (const d of descendants(start)) toDelete.add(d);
    for (let up = parentOf.get(start); up !== undefined; up = parentOf.get(up)) {
      const ancestor = nodes[up];
      if (ancestor === undefined) break;
      if (GROUP_TYPES.has(ancestor.type) || (ancestor.type === 'Retry' && isFailed(ancestor))) toReset.add(up);
    }
  }

  const onExitPrefix = `${workflow.metadata.name ?? ''}.onExit`;
  for (const id of ids) {
    if (nodes[id]?.name.startsWith(onExitPrefix)) {
      toDelete.add(id);
      for (const d of descendants(id)) toDelete.add(d);
    }
  }

  const podsToDelete = new Set<string>();
  const newNodes: Record<string, NodeStatus> = {};
  for (const id of ids) {
    const node = nodes[id];
    if (node === undefined) continue;
    if (toDelete.has(id)) {
      if (node.type === 'Pod') podsToDelete.add(podNameForNode(workflow, node));
      continue;
    }
    const kept = toReset.has(id) ? resetNode(node, now) : node;
    newNodes[id] = {
      ...kept,
      ...(node.children === undefined ? {} : { children: node.children.filter((c) => !toDelete.has(c)) }),
      ...(node.outboundNodes === undefined ? {} : { outboundNodes: node.outboundNodes.filter((c) => !toDelete.has(c)) }),
    };
  }

  return { workflow: retriedWorkflow(workflow, newNodes, now), podsToDelete: [...podsToDelete] };
}

function retriedWorkflow(workflow: Workflow, nodes: Readonly<Record<string, NodeStatus>>, now: Date): Workflow {
  const labels: Record<string, string> = { ...(workflow.metadata.labels ?? {}) };
  for (const key of [...COMPLETED_LABELS, LABEL_PERSISTED_FINAL_STATE]) delete labels[key];
  if (labels['workflows.argoproj.io/phase'] !== undefined) labels['workflows.argoproj.io/phase'] = 'Running';

  const { shutdown: _shutdown, ...spec } = workflow.spec;
  if (spec.activeDeadlineSeconds === 0) delete (spec as { activeDeadlineSeconds?: number }).activeDeadlineSeconds;

  const { message: _message, finishedAt: _finishedAt, ...status } = workflow.status ?? {};
  const conditions = (status.conditions ?? []).filter((c) => c.type !== 'Completed');
  const newStatus: WorkflowStatus = {
    ...status,
    phase: 'Running',
    startedAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    nodes,
    conditions: [...conditions, { type: 'Completed', status: 'False' }],
    persistentVolumeClaims: [],
  };
  const stored = status.storedWorkflowTemplateSpec;
  if (isJsonObject(stored)) {
    const { shutdown: _storedShutdown, ...storedSpec } = stored;
    (newStatus as Record<string, unknown>).storedWorkflowTemplateSpec = storedSpec;
  }
  return { ...workflow, metadata: { ...workflow.metadata, labels }, spec, status: newStatus };
}

/** Argo's `resetNode`: Running again (Skipped stays Skipped, or the workflow never completes). */
function resetNode(node: NodeStatus, now: Date): NodeStatus {
  const { message: _message, finishedAt: _finishedAt, ...rest } = node;
  return {
    ...rest,
    phase: node.phase === 'Skipped' ? 'Skipped' : 'Running',
    startedAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

function retryParentOf(id: string, nodes: Readonly<Record<string, NodeStatus>>, parentOf: ReadonlyMap<string, string>): string | undefined {
  const parent = parentOf.get(id);
  return parent !== undefined && nodes[parent]?.type === 'Retry' ? parent : undefined;
}

/** Breadth-first from the root node (named after the workflow), then any node not reached, by ID. */
function topologicalOrder(nodes: Readonly<Record<string, NodeStatus>>, workflowName: string): readonly string[] {
  const ids = Object.keys(nodes).sort();
  const root = ids.find((id) => nodes[id]?.name === workflowName);
  const order: string[] = [];
  const seen = new Set<string>();
  const queue = root === undefined ? [] : [root];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (seen.has(next)) continue;
    seen.add(next);
    order.push(next);
    queue.push(...(nodes[next]?.children ?? []));
  }
  for (const id of ids) if (!seen.has(id)) order.push(id);
  return order;
}
