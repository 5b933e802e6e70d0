/** The Argo Workflow side of runs: parse, admit, build, observe, terminate, retry. Pure functions, no I/O. */
export * from './workflow-types.js';
export * from './pipeline-spec.js';
export * from './workflow-admission.js';
export * from './run-workflow.js';
export * from './run-state.js';
export * from './run-labels.js';
export * from './workflow-actions.js';
export * from './workflow-executions.js';
export * from './workflow-summary.js';
export * from './artifact-uri.js';
export * from './pod-name.js';
export { DEFAULT_TRUSTED_KFP_DRIVER_IMAGES } from './kfp-driver-patch.js';
