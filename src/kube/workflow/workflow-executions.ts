import { outputSchemaTitles } from './artifact-schema-title.js';
import { artifactUri } from './artifact-uri.js';
import { enclosingComponentDag, isComponentDag, kfpV2TaskOf, runtimeRoleOf } from './kfp-v2-nodes.js';
import { podNameForNode } from './pod-name.js';
import { EXECUTION_STATES } from '../../mlmd/mlmd-enums.js';
import { executionStateFromNodePhase } from './run-state.js';
import type { ExecutionState } from './run-state.js';
import { asArray, isJsonObject } from './workflow-types.js';
import type { Artifact, NodeStatus, Template, TemplateInvocation, Workflow } from './workflow-types.js';

export interface ExecutionParameter {
  readonly name: string;
  readonly value?: string;
}

export interface ExecutionArtifact {
  readonly name: string;
  /** Undefined for artifacts without an addressable location (`raw`, or not uploaded yet). */
  readonly uri?: string;
  /** Where the container read or wrote it. */
  readonly path?: string;
  /** The artifact type the spec gives an output (`system.Model`…); unset: the spec does not say. */
  readonly schemaTitle?: string;
}

/** The producing end of an input artifact: becomes the OUTPUT event the INPUT event is linked to. */
export interface ArtifactProducer {
  readonly nodeId: string;
  readonly podName: string;
  readonly artifactName: string;
}

export interface InputArtifact extends ExecutionArtifact {
  readonly from?: ArtifactProducer;
}

/** One Argo Pod node, as the sync controller turns it into an MLMD Execution with INPUT/OUTPUT events. */
export interface PlannedExecution {
  readonly nodeId: string;
  /** KFP's `display_name`: the step or task name (a v2 task's `taskInfo.name`). */
  readonly name: string;
  /** KFP's `task_name`. */
  readonly taskName: string;
  /** The container image the pod ran (KFP's `image`), when the spec says it. */
  readonly image?: string;
  /** The node of the PlannedDag this execution runs in. */
  readonly parentDagNodeId?: string;
  readonly templateName?: string;
  readonly podName: string;
  readonly phase?: string;
  readonly state: ExecutionState;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly inputs: { readonly parameters: readonly ExecutionParameter[]; readonly artifacts: readonly InputArtifact[] };
  readonly outputs: { readonly parameters: readonly ExecutionParameter[]; readonly artifacts: readonly ExecutionArtifact[] };
}

/** A DAG of the run, recorded as a system.DAGExecution: the run's root DAG, and each sub-DAG of a v2 pipeline. */
export interface PlannedDag {
  readonly nodeId: string;
  /** '' for the root, as KFP's root driver writes it (backend/src/v2/driver/root_dag.go). */
  readonly name: string;
  readonly parentDagNodeId?: string;
  readonly phase?: string;
  readonly state: ExecutionState;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

const CACHED: ExecutionState = { name: 'CACHED', number: EXECUTION_STATES.CACHED };

const ARTIFACT_REF = /^\{\{\s*(steps|tasks)\.([^.{}\s]+)\.outputs\.artifacts\.([^.{}\s]+)\s*\}\}$/;

/**
 * The executions of a workflow: one per Pod node (the only nodes that run user code), with their parameters
 * and artifacts. An input artifact is linked to the node that produced it, first by URI (Argo resolves
 * `from:` and writes the producer's location into the consumer's `inputs.artifacts`), then by resolving
 * `from: "{{steps.x.outputs.artifacts.y}}"` / `{{tasks.x…}}` — found on the node's input or on the step or
 * task that invoked it — to the sibling node named x under the same boundary.
 *
 * In a Workflow KFP v2's compiler wrote, the driver pods are skipped and a launcher pod is recorded as the task it
 * runs, named and placed as KFP's driver would (kfp-v2-nodes.ts); every execution names the DAG it runs in
 * (`dagsFromWorkflow`).
 */
export function executionsFromWorkflow(workflow: Workflow): readonly PlannedExecution[] {
  const nodes = Object.values(workflow.status?.nodes ?? {}).sort(byStartThenId);
  const templates = templatesByName(workflow);
  const rootDag = rootDagNodeId(workflow, templates);
  // A cached v2 task has no launcher pod: Argo skips the executor (`when: cached-decision != true`) and KFP's
  // driver records the execution as CACHED (backend/src/v2/driver/container.go reuseCachedOutputs).
  const isCachedTask = (node: NodeStatus): boolean =>
    node.type === 'Skipped' && runtimeRoleOf(templateOf(node, templates)) === 'launcher' && kfpV2TaskOf(workflow, node, templates)?.cached === true;
  const pods = nodes.filter((node) => (node.type === 'Pod' && runtimeRoleOf(templateOf(node, templates)) !== 'driver') || isCachedTask(node));
  const producersByUri = new Map<string, ArtifactProducer>();
  for (const node of pods) {
    for (const artifact of artifactsOf(node.outputs?.artifacts)) {
      const uri = artifactUri(artifact, workflow.status);
      if (uri !== undefined && !producersByUri.has(uri)) {
        producersByUri.set(uri, { nodeId: node.id, podName: podNameForNode(workflow, node), artifactName: artifact.name });
      }
    }
  }

  return pods.map((node): PlannedExecution => {
    const inputs = artifactsOf(node.inputs?.artifacts).map((artifact): InputArtifact => {
      const base = toExecutionArtifact(artifact, workflow);
      const byUri = base.uri === undefined ? undefined : producersByUri.get(base.uri);
      const fromExpression = artifact.from ?? invocationFrom(node, artifact.name, workflow, templates);
      const from = byUri ?? (fromExpression === undefined ? undefined : resolveFrom(fromExpression, node, pods, workflow));
      return from === undefined || from.nodeId === node.id ? base : { ...base, from };
    });
    const titles = outputSchemaTitles(templateOf(node, templates));
    const task = runtimeRoleOf(templateOf(node, templates)) === 'launcher' ? kfpV2TaskOf(workflow, node, templates) : undefined;
    const name = task?.displayName ?? node.displayName ?? node.name;
    const image = task?.image ?? imageOf(templateOf(node, templates));
    const parentDagNodeId = task !== undefined ? task.dag?.id : (enclosingComponentDag(workflow, node, templates)?.id ?? rootDag);
    return {
      nodeId: node.id,
      name,
      taskName: task?.taskName ?? name,
      ...(image === undefined ? {} : { image }),
      ...(parentDagNodeId === undefined ? {} : { parentDagNodeId }),
      ...(node.templateName === undefined ? {} : { templateName: node.templateName }),
      // A cached task ran no pod of its own: KFP's driver records its own pod (KFP_POD_NAME) then.
      podName: podNameForNode(workflow, task?.cached === true && task.driver !== undefined ? task.driver : node),
      ...(node.phase === undefined ? {} : { phase: node.phase }),
      state: task?.cached === true ? CACHED : executionStateFromNodePhase(node.phase),
      ...(typeof node.startedAt === 'string' ? { startedAt: node.startedAt } : {}),
      ...(typeof node.finishedAt === 'string' ? { finishedAt: node.finishedAt } : {}),
      inputs: { parameters: parametersOf(node.inputs?.parameters), artifacts: inputs },
      outputs: {
        parameters: parametersOf(node.outputs?.parameters),
        artifacts: artifactsOf(node.outputs?.artifacts).map((a) => {
          const schemaTitle = titles.get(a.name);
          return { ...toExecutionArtifact(a, workflow), ...(schemaTitle === undefined ? {} : { schemaTitle }) };
        }),
      },
    };
  });
}

/**
 * The DAGs of the run: in a KFP v2 Workflow its component DAGs (the root one first, each naming the one it runs
 * in); otherwise one for the Workflow's root node, the DAG every pod of a plain Argo or KFP v1 run runs in.
 */
export function dagsFromWorkflow(workflow: Workflow): readonly PlannedDag[] {
  const templates = templatesByName(workflow);
  const nodes = Object.values(workflow.status?.nodes ?? {}).sort(byStartThenId);
  const components = nodes.filter((node) => isComponentDag(node, templates));
  const root = rootDagNodeId(workflow, templates);
  const dagNodes = components.length > 0 ? components : nodes.filter((node) => node.id === root);
  return dagNodes.map((node): PlannedDag => {
    const parent = components.length > 0 ? enclosingComponentDag(workflow, node, templates) : undefined;
    return {
      nodeId: node.id,
      name: parent === undefined ? '' : (node.displayName ?? node.name),
      ...(parent === undefined ? {} : { parentDagNodeId: parent.id }),
      ...(node.phase === undefined ? {} : { phase: node.phase }),
      state: executionStateFromNodePhase(node.phase),
      ...(typeof node.startedAt === 'string' ? { startedAt: node.startedAt } : {}),
      ...(typeof node.finishedAt === 'string' ? { finishedAt: node.finishedAt } : {}),
    };
  });
}

/** Argo's root node is the one named after the Workflow; a KFP v2 run's root DAG is its outermost component DAG. */
function rootDagNodeId(workflow: Workflow, templates: ReadonlyMap<string, Template>): string | undefined {
  const nodes = workflow.status?.nodes ?? {};
  const components = Object.values(nodes).filter((node) => isComponentDag(node, templates));
  if (components.length > 0) return components.find((node) => enclosingComponentDag(workflow, node, templates) === undefined)?.id;
  const name = workflow.metadata.name;
  if (name !== undefined && nodes[name] !== undefined) return name;
  return Object.values(nodes).find((node) => node.boundaryID === undefined && node.name === name)?.id;
}

function templateOf(node: NodeStatus, templates: ReadonlyMap<string, Template>): Template | undefined {
  return node.templateName === undefined ? undefined : templates.get(node.templateName);
}

/** The image a template runs: its container's or script's (KFP's `image`). */
function imageOf(template: Template | undefined): string | undefined {
  if (template === undefined) return undefined;
  const image = isJsonObject(template.container) ? template.container.image : isJsonObject(template.script) ? template.script.image : undefined;
  return typeof image === 'string' && image !== '' ? image : undefined;
}

function toExecutionArtifact(artifact: Artifact, workflow: Workflow): ExecutionArtifact {
  const uri = artifactUri(artifact, workflow.status);
  return {
    name: artifact.name,
    ...(uri === undefined ? {} : { uri }),
    ...(typeof artifact.path === 'string' ? { path: artifact.path } : {}),
  };
}

/** `from` of the step/task that invoked this node, read from the boundary template's spec. */
function invocationFrom(node: NodeStatus, artifactName: string, workflow: Workflow, templates: ReadonlyMap<string, Template>): string | undefined {
  const boundary = node.boundaryID === undefined ? undefined : workflow.status?.nodes?.[node.boundaryID];
  const template = boundary?.templateName === undefined ? undefined : templates.get(boundary.templateName);
  if (template === undefined) return undefined;
  const stepName = invocationName(node);
  const candidates: readonly unknown[] = [
    ...asArray(isJsonObject(template.dag) ? template.dag.tasks : undefined),
    ...asArray(template.steps).flatMap((group) => asArray(group)),
  ];
  const invocation = candidates.find((c) => isJsonObject(c) && c.name === stepName) as TemplateInvocation | undefined;
  const argument = artifactsOf(invocation?.arguments?.artifacts).find((a) => a.name === artifactName);
  return argument?.from;
}

/** The step or task name behind a node: its displayName without a retry attempt suffix `(n)`. */
function invocationName(node: NodeStatus): string {
  return (node.displayName ?? node.name.slice(node.name.lastIndexOf('.') + 1)).replace(/\(\d+\)$/, '');
}

function resolveFrom(expression: string, consumer: NodeStatus, pods: readonly NodeStatus[], workflow: Workflow): ArtifactProducer | undefined {
  const match = ARTIFACT_REF.exec(expression.trim());
  const stepName = match?.[2];
  const artifactName = match?.[3];
  if (stepName === undefined || artifactName === undefined) return undefined;
  // The sibling under the same boundary; the last successful attempt wins when a Retry node made several.
  const candidates = pods.filter(
    (pod) =>
      pod.boundaryID === consumer.boundaryID && invocationName(pod) === stepName && artifactsOf(pod.outputs?.artifacts).some((a) => a.name === artifactName),
  );
  const producer = candidates.filter((pod) => pod.phase === 'Succeeded').at(-1) ?? candidates.at(-1);
  return producer === undefined ? undefined : { nodeId: producer.id, podName: podNameForNode(workflow, producer), artifactName };
}

function templatesByName(workflow: Workflow): ReadonlyMap<string, Template> {
  const map = new Map<string, Template>();
  for (const raw of asArray(workflow.spec.templates)) {
    if (isJsonObject(raw) && typeof raw.name === 'string') map.set(raw.name, raw as Template);
  }
  // Argo stores the resolved templates of templateRef'd steps in the status.
  const stored: unknown = workflow.status?.storedTemplates;
  if (isJsonObject(stored)) {
    for (const raw of Object.values(stored)) {
      if (isJsonObject(raw) && typeof raw.name === 'string' && !map.has(raw.name)) map.set(raw.name, raw as Template);
    }
  }
  return map;
}

function artifactsOf(value: unknown): readonly Artifact[] {
  return asArray(value).filter((a): a is Artifact => isJsonObject(a) && typeof a.name === 'string');
}

function parametersOf(value: unknown): readonly ExecutionParameter[] {
  return asArray(value)
    .filter((p) => isJsonObject(p) && typeof p.name === 'string')
    .map((p) => {
      const parameter = p as { readonly name: string; readonly value?: unknown };
      return typeof parameter.value === 'string' ? { name: parameter.name, value: parameter.value } : { name: parameter.name };
    });
}

function byStartThenId(a: NodeStatus, b: NodeStatus): number {
  const left = typeof a.startedAt === 'string' ? a.startedAt : '\uffff';
  const right = typeof b.startedAt === 'string' ? b.startedAt : '\uffff';
  return left < right ? -1 : left > right ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
