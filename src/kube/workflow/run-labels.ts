/**
 * The label and annotation keys KFP's apiserver, ScheduledWorkflow controller and persistence agent put on
 * (and read from) Workflows (backend/src/common/util/labels.go and scheduledworkflow/util/constants.go in
 * kubeflow/pipelines). Using KFP's keys lets KFP's persistence agent and UI recognise kfp-graph's runs.
 */
export const LABEL_RUN_ID = 'pipeline/runid';
/** Set by KFP's persistence agent once it stored the final state; a spec carrying it would never be synced. */
export const LABEL_PERSISTED_FINAL_STATE = 'pipeline/persistedFinalState';
export const ANNOTATION_RUN_NAME = 'pipelines.kubeflow.org/run_name';
export const LABEL_KFP_GRAPH_RUN_ID = 'pipelines.kubeflow.org/kfp-graph-run-id';
/** Not a label: an identity (an email) is not a valid label value. */
export const ANNOTATION_KFP_GRAPH_CREATOR = 'pipelines.kubeflow.org/kfp-graph-creator';
export const LABEL_SCHEDULED_WORKFLOW_NAME = 'scheduledworkflows.kubeflow.org/scheduledWorkflowName';
export const LABEL_OWNED_BY_SCHEDULED_WORKFLOW = 'scheduledworkflows.kubeflow.org/isOwnedByScheduledWorkflow';
export const SCHEDULED_WORKFLOW_LABEL_PREFIX = 'scheduledworkflows.kubeflow.org/';

/** Labels Argo's controller or server writes; a submitted spec must not pre-set them. */
export const ARGO_MANAGED_LABELS: readonly string[] = [
  'workflows.argoproj.io/completed',
  'workflows.argoproj.io/phase',
  'workflows.argoproj.io/workflow-archiving-status',
  'workflows.argoproj.io/creator',
  'workflows.argoproj.io/creator-email',
  'workflows.argoproj.io/creator-preferred-username',
];
