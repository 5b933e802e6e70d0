import type { NodePhase, Workflow } from './workflow-types.js';
import { EXECUTION_STATES, type ExecutionStateName } from '../../mlmd/mlmd-enums.js';

/** KFP v2's `RunState` (backend/api/v2beta1/run.proto), minus RUNTIME_STATE_UNSPECIFIED. */
export type RunState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'SKIPPED' | 'FAILED' | 'CANCELING' | 'CANCELED' | 'PAUSED';

/**
 * The run's state from its live Workflow, as KFP's persistence agent and apiserver derive it:
 *
 * - `''`/`Pending` → PENDING, `Running` → RUNNING, `Succeeded` → SUCCEEDED, `Failed`/`Error` → FAILED.
 * - A termination request (`spec.shutdown`, set by `argo terminate`/`argo stop` and by `terminatePatch()`,
 *   or `spec.activeDeadlineSeconds: 0`, what KFP's own TerminateRun patches) turns an unfinished run into
 *   CANCELING and a Failed/Error one into CANCELED: Argo ends a terminated workflow as Failed ("Stopped
 *   with strategy 'Terminate'"), and KFP reports such a run as CANCELED, not FAILED. A run that succeeded
 *   before the request took effect stays SUCCEEDED.
 * - `spec.suspend: true` (`argo suspend`) on an unfinished run → PAUSED; a pending termination wins.
 * - SKIPPED is never derived: Argo has no skipped workflow phase and KFP's backend does not infer one from
 *   the nodes (a workflow whose every pod was skipped by `when` has Succeeded, and KFP shows SUCCEEDED).
 */
export function runStateFromWorkflow(workflow: Pick<Workflow, 'spec' | 'status'>): RunState {
  const phase = workflow.status?.phase ?? '';
  const terminating = isTerminationRequested(workflow);
  switch (phase) {
    case 'Succeeded':
      return 'SUCCEEDED';
    case 'Failed':
    case 'Error':
      return terminating ? 'CANCELED' : 'FAILED';
    case 'Running':
    case 'Pending':
    case '':
      if (terminating) return 'CANCELING';
      if (workflow.spec.suspend === true) return 'PAUSED';
      return phase === 'Running' ? 'RUNNING' : 'PENDING';
    default:
      // A phase newer than this code: report it as not yet known rather than guess an end state.
      return terminating ? 'CANCELING' : 'PENDING';
  }
}

export function isTerminationRequested(workflow: Pick<Workflow, 'spec'>): boolean {
  const shutdown = workflow.spec.shutdown;
  return (typeof shutdown === 'string' && shutdown !== '') || workflow.spec.activeDeadlineSeconds === 0;
}

/** Finished runs: the states nothing moves out of except a retry. */
export function isFinalRunState(state: RunState): boolean {
  return state === 'SUCCEEDED' || state === 'SKIPPED' || state === 'FAILED' || state === 'CANCELED';
}

/** MLMD `Execution.State`, as src/mlmd defines it for the metadata tables. */
export const EXECUTION_STATE = EXECUTION_STATES;
export type { ExecutionStateName };

export interface ExecutionState {
  readonly name: ExecutionStateName;
  /** The value stored in `Execution.last_known_state`. */
  readonly number: (typeof EXECUTION_STATE)[ExecutionStateName];
}

/**
 * The MLMD state of an Argo node:
 * Pending → NEW, Running → RUNNING, Succeeded → COMPLETE, Failed/Error → FAILED,
 * Skipped → CACHED: in a KFP v2 workflow the only skipped pod is the launcher whose
 * `when: '{{inputs.parameters.cached-decision}} != true'` is false, i.e. the driver found a cache hit
 * (fixtures/kfp/hello_world.yaml, system-container-executor);
 * Omitted → CANCELED: the node never ran because an upstream task failed or the run was stopped.
 * Anything else (no phase yet) → NEW.
 */
export function executionStateFromNodePhase(phase: NodePhase | string | undefined): ExecutionState {
  const name = executionStateName(phase);
  return { name, number: EXECUTION_STATE[name] };
}

function executionStateName(phase: NodePhase | string | undefined): ExecutionStateName {
  switch (phase) {
    case 'Running':
      return 'RUNNING';
    case 'Succeeded':
      return 'COMPLETE';
    case 'Failed':
    case 'Error':
      return 'FAILED';
    case 'Skipped':
      return 'CACHED';
    case 'Omitted':
      return 'CANCELED';
    case 'Pending':
    default:
      return 'NEW';
  }
}
