import { ANNOTATION_ISTIO_SIDECAR_INJECT, ISTIO_SIDECAR_INJECT_DISABLED } from './run-labels.js';
import { isJsonObject } from './workflow-types.js';
import type { JsonObject, Workflow, WorkflowSpec } from './workflow-types.js';

/** Argo's variable for the Workflow's UID; KFP's compiler passes it to the v2 driver as `--run_id`. */
const WORKFLOW_UID = '{{workflow.uid}}';

export interface KfpRunShapeOptions {
  /** Set for a single run: every `{{workflow.uid}}` becomes it, and the pods carry `runLabel: runId`. */
  readonly runId?: string;
  readonly runLabel?: string;
}

/**
 * What KFP's API server does to a Workflow before it creates a run (KFP: backend/src/apiserver/template/
 * argo_template.go RunWorkflow for an Argo spec, as kfp-graph stores them; v2_template.go RunWorkflow does the same
 * to the Workflow it compiles; the helpers are in backend/src/common/util/workflow.go):
 *
 * - every template gets `sidecar.istio.io/inject: "false"` unless it sets that annotation itself
 *   (SetAnnotationsToAllTemplatesIfKeyNotExist): profile namespaces have Istio injection on, and a pod with an
 *   injected proxy never completes;
 * - every `{{workflow.uid}}` anywhere in the object is replaced by the run ID (ReplaceUID, a textual replace over
 *   the whole serialised Workflow): a v2 spec's driver names the MLMD `system.PipelineRun` context after its
 *   `--run_id`, so without it the run's executions and artifacts hang off a context nobody looks up;
 * - the pods carry the run label too (SetPodMetadataLabels), so they can be found by run.
 *
 * For a recurring run's template only the Istio opt-out applies (argo_template.go ScheduledWorkflow).
 * Returns a new object; the input is not changed.
 */
export function withKfpRunShape(workflow: Workflow, options: KfpRunShapeOptions): Workflow {
  const templates = Array.isArray(workflow.spec.templates)
    ? (workflow.spec.templates.map(withIstioOptOut) as WorkflowSpec['templates'])
    : workflow.spec.templates;
  let spec: WorkflowSpec = templates === undefined ? workflow.spec : { ...workflow.spec, templates };
  if (options.runId !== undefined && options.runLabel !== undefined) {
    const podMetadata = isJsonObject(spec.podMetadata) ? spec.podMetadata : {};
    const labels = isJsonObject(podMetadata.labels) ? podMetadata.labels : {};
    spec = { ...spec, podMetadata: { ...podMetadata, labels: { ...labels, [options.runLabel]: options.runId } } };
  }
  const shaped: Workflow = { ...workflow, spec };
  return options.runId === undefined ? shaped : (replaceText(shaped, WORKFLOW_UID, options.runId) as Workflow);
}

function withIstioOptOut(template: unknown): unknown {
  if (!isJsonObject(template)) return template;
  const metadata = isJsonObject(template.metadata) ? template.metadata : {};
  const annotations = isJsonObject(metadata.annotations) ? metadata.annotations : {};
  if (Object.hasOwn(annotations, ANNOTATION_ISTIO_SIDECAR_INJECT)) return template;
  return { ...template, metadata: { ...metadata, annotations: { ...annotations, [ANNOTATION_ISTIO_SIDECAR_INJECT]: ISTIO_SIDECAR_INJECT_DISABLED } } };
}

/**
 * KFP replaces in the serialised text, so keys are included; walking the values gives the same result without
 * re-parsing, and a run ID (a label value) contains nothing JSON would escape.
 */
function replaceText(value: unknown, search: string, replacement: string): unknown {
  if (typeof value === 'string') return value.split(search).join(replacement);
  if (Array.isArray(value)) return value.map((item: unknown) => replaceText(item, search, replacement));
  if (isJsonObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as JsonObject)) result[key.split(search).join(replacement)] = replaceText(item, search, replacement);
    return result;
  }
  return value;
}
