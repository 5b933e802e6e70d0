import { asArray, asString, isJsonObject } from './workflow-types.js';
import type { NodeStatus, Template, Workflow } from './workflow-types.js';

/**
 * How a Workflow KFP v2's compiler wrote (backend/src/v2/compiler/argocompiler) lays out a pipeline task:
 *
 *   <component DAG node>               template `root` or `comp-…`, input `parent-dag-id`
 *     <task>-driver   (Pod)            template system-container-driver, runtime-role driver
 *     <task>          (DAG)            template system-container-executor
 *       executor      (Pod)            template system-container-impl, runtime-role launcher: runs the user's code
 *
 * The driver and launcher pods are KFP's machinery, not the pipeline's tasks: ML-Metadata has one execution per
 * task (KFP: backend/src/v2/driver/container.go, named after the task), and one system.DAGExecution per
 * component DAG (backend/src/v2/driver/root_dag.go, dag.go).
 */
export const RUNTIME_ROLE_ANNOTATION = 'pipelines.kubeflow.org/runtime-role';
const EXECUTOR_TEMPLATE = 'system-container-executor';
/** The compiler's template names, for Workflows compiled before it wrote the runtime-role annotation. */
const ROLE_BY_TEMPLATE: Readonly<Record<string, KfpRuntimeRole>> = {
  'system-container-driver': 'driver',
  'system-dag-driver': 'driver',
  'system-container-impl': 'launcher',
};
const WORKFLOW_PARAMETER = /^\{\{workflow\.parameters\.([^{}\s]+)\}\}$/;

export type KfpRuntimeRole = 'driver' | 'launcher';

/** The pipeline task a launcher pod runs, as the driver was told it. */
export interface KfpV2Task {
  /** The executor DAG node named after the task. */
  readonly executor: NodeStatus;
  /** The driver's `task-name` (KFP's `task_name`). */
  readonly taskName: string;
  /** `taskInfo.name` of the task spec (KFP's `display_name`). */
  readonly displayName: string;
  /** The image of the component's container spec (KFP's `image`). */
  readonly image?: string;
  /** The component DAG node the task runs in. */
  readonly dag?: NodeStatus;
  /** The task's driver pod. */
  readonly driver?: NodeStatus;
  /** The driver found a cached execution (its `cached-decision` output), so the launcher was skipped. */
  readonly cached: boolean;
}

export function runtimeRoleOf(template: Template | undefined): KfpRuntimeRole | undefined {
  if (template === undefined) return undefined;
  const role = template.metadata?.annotations?.[RUNTIME_ROLE_ANNOTATION];
  if (role === 'driver' || role === 'launcher') return role;
  return typeof template.name === 'string' ? ROLE_BY_TEMPLATE[template.name] : undefined;
}

/** A component DAG: a DAG node the compiler gives a `parent-dag-id` input (its driver made its DAGExecution). */
export function isComponentDag(node: NodeStatus, templates: ReadonlyMap<string, Template>): boolean {
  if (node.type !== 'DAG' || node.templateName === undefined || node.templateName.startsWith('system-')) return false;
  const template = templates.get(node.templateName);
  return asArray(template?.inputs?.parameters).some((p) => isJsonObject(p) && p.name === 'parent-dag-id');
}

/** The nearest component DAG around `node` (following Argo's boundaryID), if any. */
export function enclosingComponentDag(workflow: Workflow, node: NodeStatus, templates: ReadonlyMap<string, Template>): NodeStatus | undefined {
  const nodes = workflow.status?.nodes ?? {};
  const seen = new Set<string>();
  let current = node.boundaryID === undefined ? undefined : nodes[node.boundaryID];
  while (current !== undefined && !seen.has(current.id)) {
    if (isComponentDag(current, templates)) return current;
    seen.add(current.id);
    current = current.boundaryID === undefined ? undefined : nodes[current.boundaryID];
  }
  return undefined;
}

/**
 * The task behind a launcher pod (or the Skipped node Argo writes in its place when the driver found the task
 * cached): its executor DAG node, and the driver's inputs (from the driver node's
 * resolved inputs, else from the component DAG template's `<task>-driver` arguments).
 */
export function kfpV2TaskOf(workflow: Workflow, pod: NodeStatus, templates: ReadonlyMap<string, Template>): KfpV2Task | undefined {
  const nodes = workflow.status?.nodes ?? {};
  const executor = pod.boundaryID === undefined ? undefined : nodes[pod.boundaryID];
  if (executor === undefined || executor.templateName !== EXECUTOR_TEMPLATE) return undefined;
  const name = (executor.displayName ?? '').replace(/\(.*\)$/, '');
  const driverName = `${name}-driver`;
  const driver = Object.values(nodes).find((n) => n.boundaryID === executor.boundaryID && (n.displayName ?? '').replace(/\(.*\)$/, '') === driverName);
  const dagNode = executor.boundaryID === undefined ? undefined : nodes[executor.boundaryID];
  const dagTemplate = dagNode?.templateName === undefined ? undefined : templates.get(dagNode.templateName);
  const driverTask = asArray(isJsonObject(dagTemplate?.dag) ? dagTemplate.dag.tasks : undefined).find((t) => isJsonObject(t) && t.name === driverName);
  const input = (parameter: string): string | undefined => {
    const resolved = asArray(driver?.inputs?.parameters).find((p) => isJsonObject(p) && p.name === parameter);
    const value = isJsonObject(resolved) ? asString(resolved.value) : undefined;
    if (value !== undefined) return value;
    const argument = asArray(isJsonObject(driverTask) && isJsonObject(driverTask.arguments) ? driverTask.arguments.parameters : undefined).find(
      (p) => isJsonObject(p) && p.name === parameter,
    );
    return isJsonObject(argument) ? workflowParameter(workflow, asString(argument.value)) : undefined;
  };
  const taskName = input('task-name') ?? name;
  const displayName = asString(jsonField(input('task'), 'taskInfo', 'name')) ?? taskName;
  const image = asString(jsonField(input('container'), 'image'));
  const dag = enclosingComponentDag(workflow, pod, templates);
  const decision = asArray(driver?.outputs?.parameters).find((p) => isJsonObject(p) && p.name === 'cached-decision');
  const cached = isJsonObject(decision) && decision.value === 'true';
  return {
    executor,
    taskName,
    displayName,
    cached,
    ...(image === undefined ? {} : { image }),
    ...(dag === undefined ? {} : { dag }),
    ...(driver === undefined ? {} : { driver }),
  };
}

/** `{{workflow.parameters.x}}` resolved from the Workflow's arguments; any other value as it is. */
function workflowParameter(workflow: Workflow, value: string | undefined): string | undefined {
  const name = value === undefined ? undefined : WORKFLOW_PARAMETER.exec(value)?.[1];
  if (name === undefined) return value;
  const parameter = asArray(workflow.spec.arguments?.parameters).find((p) => isJsonObject(p) && p.name === name);
  return isJsonObject(parameter) ? asString(parameter.value) : undefined;
}

function jsonField(text: string | undefined, ...path: readonly string[]): unknown {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  for (const key of path) value = isJsonObject(value) ? value[key] : undefined;
  return value;
}
