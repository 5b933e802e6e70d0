import { artifactUri } from './artifact-uri.js';
import { podNameForNode } from './pod-name.js';
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
  readonly name: string;
  readonly templateName?: string;
  readonly podName: string;
  readonly phase?: string;
  readonly state: ExecutionState;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly inputs: { readonly parameters: readonly ExecutionParameter[]; readonly artifacts: readonly InputArtifact[] };
  readonly outputs: { readonly parameters: readonly ExecutionParameter[]; readonly artifacts: readonly ExecutionArtifact[] };
}

const ARTIFACT_REF = /^\{\{\s*(steps|tasks)\.([^.{}\s]+)\.outputs\.artifacts\.([^.{}\s]+)\s*\}\}$/;

/**
 * The executions of a workflow: one per Pod node (the only nodes that run user code), with their parameters
 * and artifacts. An input artifact is linked to the node that produced it, first by URI (Argo resolves
 * `from:` and writes the producer's location into the consumer's `inputs.artifacts`), then by resolving
 * `from: "{{steps.x.outputs.artifacts.y}}"` / `{{tasks.x…}}` — found on the node's input or on the step or
 * task that invoked it — to the sibling node named x under the same boundary.
 *
 * KFP v2 pipelines record their own MLMD executions from the driver and launcher; this plan is for
 * KFP v1 and plain Argo workflows, which write nothing to MLMD themselves.
 */
export function executionsFromWorkflow(workflow: Workflow): readonly PlannedExecution[] {
  const nodes = Object.values(workflow.status?.nodes ?? {}).sort(byStartThenId);
  const pods = nodes.filter((node) => node.type === 'Pod');
  const producersByUri = new Map<string, ArtifactProducer>();
  for (const node of pods) {
    for (const artifact of artifactsOf(node.outputs?.artifacts)) {
      const uri = artifactUri(artifact, workflow.status);
      if (uri !== undefined && !producersByUri.has(uri)) {
        producersByUri.set(uri, { nodeId: node.id, podName: podNameForNode(workflow, node), artifactName: artifact.name });
      }
    }
  }
  const templates = templatesByName(workflow);

  return pods.map((node): PlannedExecution => {
    const inputs = artifactsOf(node.inputs?.artifacts).map((artifact): InputArtifact => {
      const base = toExecutionArtifact(artifact, workflow);
      const byUri = base.uri === undefined ? undefined : producersByUri.get(base.uri);
      const fromExpression = artifact.from ?? invocationFrom(node, artifact.name, workflow, templates);
      const from = byUri ?? (fromExpression === undefined ? undefined : resolveFrom(fromExpression, node, pods, workflow));
      return from === undefined || from.nodeId === node.id ? base : { ...base, from };
    });
    return {
      nodeId: node.id,
      name: node.displayName ?? node.name,
      ...(node.templateName === undefined ? {} : { templateName: node.templateName }),
      podName: podNameForNode(workflow, node),
      ...(node.phase === undefined ? {} : { phase: node.phase }),
      state: executionStateFromNodePhase(node.phase),
      ...(typeof node.startedAt === 'string' ? { startedAt: node.startedAt } : {}),
      ...(typeof node.finishedAt === 'string' ? { finishedAt: node.finishedAt } : {}),
      inputs: { parameters: parametersOf(node.inputs?.parameters), artifacts: inputs },
      outputs: {
        parameters: parametersOf(node.outputs?.parameters),
        artifacts: artifactsOf(node.outputs?.artifacts).map((a) => toExecutionArtifact(a, workflow)),
      },
    };
  });
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
function invocationFrom(
  node: NodeStatus,
  artifactName: string,
  workflow: Workflow,
  templates: ReadonlyMap<string, Template>,
): string | undefined {
  const boundary = node.boundaryID === undefined ? undefined : workflow.status?.nodes?.[node.boundaryID];
  const template = boundary?.templateName === undefined ? undefined : templates.get(boundary.templateName);
  if (template === undefined) return undefined;
  const stepName = invocationName(node);
  const candidates: readonly unknown[] = [
    ...asArray(isJsonObject(template.dag) ? template.dag['tasks'] : undefined),
    ...asArray(template.steps).flatMap((group) => asArray(group)),
  ];
  const invocation = candidates.find((c) => isJsonObject(c) && c['name'] === stepName) as TemplateInvocation | undefined;
  const argument = artifactsOf(invocation?.arguments?.artifacts).find((a) => a.name === artifactName);
  return argument?.from;
}

/** The step or task name behind a node: its displayName without a retry attempt suffix `(n)`. */
function invocationName(node: NodeStatus): string {
  return (node.displayName ?? node.name.slice(node.name.lastIndexOf('.') + 1)).replace(/\(\d+\)$/, '');
}

function resolveFrom(
  expression: string,
  consumer: NodeStatus,
  pods: readonly NodeStatus[],
  workflow: Workflow,
): ArtifactProducer | undefined {
  const match = ARTIFACT_REF.exec(expression.trim());
  const stepName = match?.[2];
  const artifactName = match?.[3];
  if (stepName === undefined || artifactName === undefined) return undefined;
  // The sibling under the same boundary; the last successful attempt wins when a Retry node made several.
  const candidates = pods.filter(
    (pod) =>
      pod.boundaryID === consumer.boundaryID &&
      invocationName(pod) === stepName &&
      artifactsOf(pod.outputs?.artifacts).some((a) => a.name === artifactName),
  );
  const producer = candidates.filter((pod) => pod.phase === 'Succeeded').at(-1) ?? candidates.at(-1);
  return producer === undefined
    ? undefined
    : { nodeId: producer.id, podName: podNameForNode(workflow, producer), artifactName };
}

function templatesByName(workflow: Workflow): ReadonlyMap<string, Template> {
  const map = new Map<string, Template>();
  for (const raw of asArray(workflow.spec.templates)) {
    if (isJsonObject(raw) && typeof raw['name'] === 'string') map.set(raw['name'], raw as Template);
  }
  // Argo stores the resolved templates of templateRef'd steps in the status.
  const stored: unknown = workflow.status?.['storedTemplates'];
  if (isJsonObject(stored)) {
    for (const raw of Object.values(stored)) {
      if (isJsonObject(raw) && typeof raw['name'] === 'string' && !map.has(raw['name'])) map.set(raw['name'], raw as Template);
    }
  }
  return map;
}

function artifactsOf(value: unknown): readonly Artifact[] {
  return asArray(value).filter((a): a is Artifact => isJsonObject(a) && typeof a['name'] === 'string');
}

function parametersOf(value: unknown): readonly ExecutionParameter[] {
  return asArray(value)
    .filter((p) => isJsonObject(p) && typeof p['name'] === 'string')
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
