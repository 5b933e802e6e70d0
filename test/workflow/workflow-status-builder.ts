import { fnv32a } from '../../src/kube/workflow/pod-name.js';
import type { NodeStatus, Workflow, WorkflowStatus } from '../../src/kube/workflow/workflow-types.js';

/** Argo's node ID: the workflow name for the root node, `<workflow>-<fnv32a(node name)>` otherwise. */
export function nodeId(workflowName: string, nodeName: string): string {
  return nodeName === workflowName ? workflowName : `${workflowName}-${fnv32a(nodeName)}`;
}

/** A node as the test writes it: any NodeStatus field, children and boundary as names relative to the workflow. */
export interface NodeInit {
  readonly [field: string]: unknown;
  readonly type: string;
  readonly children?: readonly string[];
  readonly boundary?: string;
}

/**
 * Writes `status.nodes` as Argo's controller does: IDs from names, children and boundaryID as IDs.
 * Keys are node names relative to the workflow ('' is the root).
 */
export function withStatus(workflow: Workflow, name: string, status: Omit<WorkflowStatus, 'nodes'>, nodes: Readonly<Record<string, NodeInit>>): Workflow {
  const full = (relative: string): string => (relative === '' ? name : `${name}${relative}`);
  const built: Record<string, NodeStatus> = {};
  for (const [relative, init] of Object.entries(nodes)) {
    const { children, boundary, ...rest } = init;
    const id = nodeId(name, full(relative));
    const node: NodeStatus = {
      ...rest,
      type: init.type,
      id,
      name: full(relative),
      ...(children === undefined ? {} : { children: children.map((c) => nodeId(name, full(c))) }),
      ...(boundary === undefined ? {} : { boundaryID: nodeId(name, full(boundary)) }),
    };
    built[id] = node;
  }
  const { generateName: _generateName, ...metadata } = workflow.metadata;
  return { ...workflow, metadata: { ...metadata, name, namespace: 'team-a' }, status: { ...status, nodes: built } };
}
