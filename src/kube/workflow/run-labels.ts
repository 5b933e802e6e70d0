/**
 * The label and annotation keys KFP's apiserver, ScheduledWorkflow controller and persistence agent put on
 * (and read from) Workflows (backend/src/common/util/labels.go and scheduledworkflow/util/constants.go in
 * kubeflow/pipelines).
 */

/**
 * KFP's run label. KFP's persistence agent reports every Workflow carrying it, and KFP's API server deletes one
 * whose run it does not know (backend/src/apiserver/resource/resource_manager.go ReportWorkflowResource), so a
 * standalone kfp-graph never sets it: only a KFP mode (KFP created the run) would watch it.
 */
export const KFP_RUN_LABEL = 'pipeline/runid';
/**
 * kfp-graph's own run label, on the Workflows standalone kfp-graph creates (and their pods). Outside KFP's
 * `pipelines.kubeflow.org/` keys, so neither KFP's persistence agent nor its API server ever claims them.
 */
export const STANDALONE_RUN_LABEL = 'kfp-graph.kubeflow.org/run-id';
/** Which label names a Workflow's run: the code that selects or reads Workflows takes it as a parameter. */
export type RunLabel = typeof KFP_RUN_LABEL | typeof STANDALONE_RUN_LABEL;
/** Set by KFP's persistence agent once it stored the final state; a spec carrying it would never be synced. */
export const LABEL_PERSISTED_FINAL_STATE = 'pipeline/persistedFinalState';
export const ANNOTATION_RUN_NAME = 'pipelines.kubeflow.org/run_name';
/** Not a label: an identity (an email) is not a valid label value. */
export const ANNOTATION_KFP_GRAPH_CREATOR = 'pipelines.kubeflow.org/kfp-graph-creator';
export const LABEL_SCHEDULED_WORKFLOW_NAME = 'scheduledworkflows.kubeflow.org/scheduledWorkflowName';
export const LABEL_OWNED_BY_SCHEDULED_WORKFLOW = 'scheduledworkflows.kubeflow.org/isOwnedByScheduledWorkflow';
export const SCHEDULED_WORKFLOW_LABEL_PREFIX = 'scheduledworkflows.kubeflow.org/';
/**
 * KFP's API server opts every template out of Istio injection unless it says otherwise: profile namespaces have
 * injection on, and an injected sidecar keeps a pod from completing (backend/src/common/util/workflow.go
 * SetAnnotationsToAllTemplatesIfKeyNotExist, called from template/v2_template.go RunWorkflow).
 */
export const ANNOTATION_ISTIO_SIDECAR_INJECT = 'sidecar.istio.io/inject';
export const ISTIO_SIDECAR_INJECT_DISABLED = 'false';

/** Labels Argo's controller or server writes; a submitted spec must not pre-set them. */
export const ARGO_MANAGED_LABELS: readonly string[] = [
  'workflows.argoproj.io/completed',
  'workflows.argoproj.io/phase',
  'workflows.argoproj.io/workflow-archiving-status',
  'workflows.argoproj.io/creator',
  'workflows.argoproj.io/creator-email',
  'workflows.argoproj.io/creator-preferred-username',
];
