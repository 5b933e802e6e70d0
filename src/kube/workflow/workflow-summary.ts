import { podNameForNode } from './pod-name.js';
import type { NodeStatus, Workflow } from './workflow-types.js';

export interface WorkflowNodeSummary {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
  readonly type: string;
  readonly phase?: string;
  readonly templateName?: string;
  /** Only Pod nodes have pods (and logs). */
  readonly podName?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly message?: string;
}

export interface WorkflowSummary {
  readonly phase: string;
  /** Argo's `done/total` pod count, e.g. `2/3`. */
  readonly progress?: string;
  readonly message?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly nodes: readonly WorkflowNodeSummary[];
}

/** The live `Run.workflow` view: workflow status plus every node, in start order. */
export function workflowSummary(workflow: Workflow): WorkflowSummary {
  const status = workflow.status ?? {};
  const nodes = Object.values(status.nodes ?? {})
    .slice()
    .sort((a, b) => compare(a.startedAt ?? '\uffff', b.startedAt ?? '\uffff') || compare(a.id, b.id))
    .map((node) => summarizeNode(workflow, node));
  return {
    phase: status.phase ?? '',
    ...optional('progress', status.progress),
    ...optional('message', status.message),
    ...optional('startedAt', status.startedAt),
    ...optional('finishedAt', status.finishedAt),
    nodes,
  };
}

function summarizeNode(workflow: Workflow, node: NodeStatus): WorkflowNodeSummary {
  return {
    id: node.id,
    name: node.name,
    displayName: node.displayName ?? node.name,
    type: node.type,
    ...optional('phase', node.phase),
    ...optional('templateName', node.templateName ?? node.templateRef?.template),
    ...(node.type === 'Pod' ? { podName: podNameForNode(workflow, node) } : {}),
    ...optional('startedAt', node.startedAt),
    ...optional('finishedAt', node.finishedAt),
    ...optional('message', node.message),
  };
}

function optional<K extends string>(key: K, value: string | null | undefined): { [P in K]?: string } {
  return (typeof value === 'string' && value !== '' ? { [key]: value } : {}) as { [P in K]?: string };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
