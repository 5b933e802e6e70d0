import { InvalidInputError } from '../../errors/domain-errors.js';
import { pipelineParameters } from './pipeline-spec.js';
import {
  ANNOTATION_KFP_GRAPH_CREATOR,
  ANNOTATION_RUN_NAME,
  ARGO_MANAGED_LABELS,
  KFP_RUN_LABEL,
  LABEL_OWNED_BY_SCHEDULED_WORKFLOW,
  LABEL_PERSISTED_FINAL_STATE,
  LABEL_SCHEDULED_WORKFLOW_NAME,
  SCHEDULED_WORKFLOW_LABEL_PREFIX,
  STANDALONE_RUN_LABEL,
} from './run-labels.js';
import { withKfpRunShape } from './kfp-run-shape.js';
import { admitWorkflow } from './workflow-admission.js';
import type { AdmissionPolicy } from './workflow-admission.js';
import { asArray, isJsonObject } from './workflow-types.js';
import type { ObjectMeta, Parameter, Workflow } from './workflow-types.js';

export interface BuildRunWorkflowInput {
  /** The pipeline version's parsed spec (`parsePipelineSpec(...).manifest`). */
  readonly spec: Workflow;
  readonly runId: string;
  readonly runName: string;
  readonly namespace: string;
  /** The namespace's runner account (`default-editor` by default). */
  readonly serviceAccount: string;
  /** Run parameters by name; each must be declared in `spec.arguments.parameters`. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** The ScheduledWorkflow name, when a recurring run triggered this run. */
  readonly recurringRunId?: string;
  /** The identity that created the run (recorded, not trusted for anything). */
  readonly creator?: string;
  /** Admission switches; `allowedServiceAccounts` defaults to `[serviceAccount]`. */
  readonly admission?: Partial<Omit<AdmissionPolicy, 'namespace'>>;
}

/** Kubernetes object names are DNS-1123 subdomains; Argo names pods `<workflow>-<template>-<hash>`, keep it short. */
const MAX_RUN_NAME_PART = 40;
const RUN_ID_PART = 5;
/** https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set */
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * The Workflow to create for a run: a deterministic name, the tenant namespace, the runner account,
 * kfp-graph's own run label (never KFP's `pipeline/runid`, see run-labels.ts), the merged parameters, the
 * changes KFP's API server makes to every run (kfp-run-shape.ts), and no server-owned fields. The result is admitted (`admitWorkflow`) before it is returned, so a spec that escapes the
 * tenant never reaches the cluster.
 *
 * @example
 *   const workflow = buildRunWorkflow({ spec, runId, runName: 'nightly', namespace: 'team-a',
 *     serviceAccount: 'default-editor', parameters: { message: 'hi' } });
 */
export function buildRunWorkflow(input: BuildRunWorkflowInput): Workflow {
  const { spec, runId, runName, namespace, serviceAccount } = input;
  if (!LABEL_VALUE.test(runId) || runId === '') {
    throw new InvalidInputError('run ID must be a valid Kubernetes label value', 'runId');
  }
  if (input.recurringRunId !== undefined && (!LABEL_VALUE.test(input.recurringRunId) || input.recurringRunId === '')) {
    throw new InvalidInputError('recurring run ID must be a valid Kubernetes label value', 'recurringRunId');
  }

  const labels = cleanLabels(spec.metadata.labels);
  labels[STANDALONE_RUN_LABEL] = runId;
  if (input.recurringRunId !== undefined) {
    // What KFP's ScheduledWorkflow controller stamps on the workflows it creates; the persistence agent
    // reads scheduledWorkflowName to attach the run to its recurring run (job).
    labels[LABEL_SCHEDULED_WORKFLOW_NAME] = input.recurringRunId;
    labels[LABEL_OWNED_BY_SCHEDULED_WORKFLOW] = 'true';
  }
  const annotations: Record<string, string> = { ...(spec.metadata.annotations ?? {}) };
  annotations[ANNOTATION_RUN_NAME] = runName;
  delete annotations[ANNOTATION_KFP_GRAPH_CREATOR];
  if (input.creator !== undefined) annotations[ANNOTATION_KFP_GRAPH_CREATOR] = input.creator;

  const metadata: ObjectMeta = {
    ...withoutServerFields(spec.metadata),
    name: workflowName(runName, runId),
    // A spec naming another namespace is refused by admission below rather than silently moved.
    namespace: spec.metadata.namespace ?? namespace,
    labels,
    annotations,
  };
  const { status: _status, ...withoutStatus } = spec;
  // A copied `shutdown` would terminate the run as soon as it starts.
  const { shutdown: _shutdown, ...specFields } = spec.spec;
  const workflow: Workflow = withKfpRunShape(
    {
      ...withoutStatus,
      metadata,
      spec: {
        ...specFields,
        serviceAccountName: serviceAccount,
        arguments: { ...(spec.spec.arguments ?? {}), parameters: mergeParameters(spec, input.parameters ?? {}) },
      },
    },
    // A schedule's runs are each their own run, named by their Workflow's UID (as KFP's persistence agent
    // names them): Argo resolves `{{workflow.uid}}` to exactly that, so it is left for Argo, as KFP's
    // ScheduledWorkflow template does (KFP: backend/src/apiserver/template/argo_template.go ScheduledWorkflow).
    input.recurringRunId === undefined ? { runId, runLabel: STANDALONE_RUN_LABEL } : {},
  );
  admitWorkflow(workflow, {
    ...input.admission,
    namespace,
    allowedServiceAccounts: input.admission?.allowedServiceAccounts ?? [serviceAccount],
  });
  return workflow;
}

/**
 * `<run name, DNS-1123-sanitised, at most 40 chars>-<first 5 chars of the run ID>`: deterministic (a retried
 * create hits AlreadyExists instead of making a second workflow) and short enough that Argo's pod names
 * (`<workflow>-<template>-<hash>`) stay readable.
 */
export function workflowName(runName: string, runId: string): string {
  const base = sanitize(runName).slice(0, MAX_RUN_NAME_PART).replace(/-+$/, '') || 'run';
  const suffix = sanitize(runId).replace(/-/g, '').slice(0, RUN_ID_PART) || 'x';
  return `${base}-${suffix}`;
}

function sanitize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Parameters as Argo expects them: every declared one, with the run's value or the declared default. */
function mergeParameters(spec: Workflow, values: Readonly<Record<string, string>>): readonly Parameter[] {
  const declared = pipelineParameters(spec);
  const declaredNames = new Set(declared.map((p) => p.name));
  const unknown = Object.keys(values).filter((name) => !declaredNames.has(name));
  if (unknown.length > 0) {
    const known = declared.map((p) => p.name).join(', ') || 'none';
    throw new InvalidInputError(
      `unknown parameter${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; the pipeline declares: ${known}`,
      `parameters.${unknown[0] ?? ''}`,
      { unknown, declared: declared.map((p) => p.name) },
    );
  }
  const originals = new Map<string, Parameter>();
  for (const raw of asArray(spec.spec.arguments?.parameters)) {
    if (isJsonObject(raw) && typeof raw.name === 'string') originals.set(raw.name, raw as Parameter);
  }
  const missing: string[] = [];
  const merged = declared.map((parameter): Parameter => {
    const original = originals.get(parameter.name) ?? { name: parameter.name };
    const value = values[parameter.name] ?? parameter.defaultValue;
    // `valueFrom` (a ConfigMap key, a supplied value) is resolved by Argo at submission: not missing.
    if (value === undefined && original.valueFrom !== undefined) return original;
    if (value === undefined) missing.push(parameter.name);
    if (value !== undefined && parameter.enum !== undefined && parameter.enum.length > 0 && !parameter.enum.includes(value)) {
      throw new InvalidInputError(`parameter ${parameter.name} must be one of ${parameter.enum.join(', ')}`, `parameters.${parameter.name}`);
    }
    const { default: _default, value: _value, valueFrom: _valueFrom, ...rest } = original;
    return value === undefined ? { ...rest, name: parameter.name } : { ...rest, name: parameter.name, value };
  });
  if (missing.length > 0) {
    throw new InvalidInputError(
      `missing required parameter${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (no default declared)`,
      `parameters.${missing[0] ?? ''}`,
      { missing },
    );
  }
  return merged;
}

/** Spec labels minus the ones KFP, the ScheduledWorkflow controller or Argo own: a spec cannot spoof them. */
function cleanLabels(labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key === KFP_RUN_LABEL || key === STANDALONE_RUN_LABEL || key === LABEL_PERSISTED_FINAL_STATE) continue;
    if (key.startsWith(SCHEDULED_WORKFLOW_LABEL_PREFIX) || ARGO_MANAGED_LABELS.includes(key)) continue;
    result[key] = value;
  }
  return result;
}

/** Fields the API server assigns; `generateName` is replaced by the deterministic name. */
function withoutServerFields(metadata: ObjectMeta): ObjectMeta {
  const { generateName: _generateName, resourceVersion: _resourceVersion, uid: _uid, creationTimestamp: _creationTimestamp, ...rest } = metadata;
  const copy: Record<string, unknown> = { ...rest };
  for (const key of ['selfLink', 'generation', 'managedFields', 'ownerReferences', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'finalizers']) {
    delete copy[key];
  }
  return copy as ObjectMeta;
}
