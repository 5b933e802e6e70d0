import type { NodePhase, Workflow } from './workflow-types.js';
import { EXECUTION_STATES, type ExecutionStateName } from '../../mlmd/mlmd-enums.js';

/** KFP v2's `RunState` (backend/api/v2beta1/run.proto), minus RUNTIME_STATE_UNSPECIFIED. */
export type RunState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'SKIPPED' | 'FAILED' | 'CANCELING' | 'CANCELED' | 'PAUSED';

/**
 * The run's state from its live Workflow. KFP derives it in `ReportWorkflowResource`
 * (KFP: backend/src/apiserver/resource/resource_manager.go): the phase through `RuntimeState.ToV2()`
 * (backend/src/apiserver/model/run.go), overridden by CANCELING while `IsTerminating()`
 * (backend/src/common/util/workflow.go: `activeDeadlineSeconds == 0` and the phase not yet final). Here:
 *
 * - `Pending` → PENDING, `Running` → RUNNING, `Succeeded` → SUCCEEDED, `Failed`/`Error` → FAILED: as KFP.
 * - A termination request on an unfinished run → CANCELING, as KFP. It is `spec.activeDeadlineSeconds: 0` (what
 *   KFP's TerminateRun patches, `GetTerminatePatch`) or, beyond KFP, a non-empty `spec.shutdown` (`argo stop`,
 *   `argo terminate`, and kfp-graph's own `terminatePatch()`), which Argo honours the same way.
 * - Departure: a terminated run that Argo then ends as Failed/Error ("Stopped with strategy 'Terminate'") →
 *   CANCELED. KFP reports it FAILED (once the phase is final `IsTerminating()` is false and the phase wins), so
 *   KFP never reaches the CANCELED its own run.proto names as CANCELING's end. A run that succeeded before the
 *   request took effect stays SUCCEEDED, as in KFP.
 * - Departure: `''` (a Workflow Argo's controller has not reconciled yet) → PENDING. KFP's `ToV2()` maps it to
 *   RUNTIME_STATE_UNSPECIFIED ("not used", run.proto), yet KFP's CreateRun stores that same fresh run as PENDING;
 *   PENDING is what the run is, and it keeps the enum free of a value clients would have to special-case.
 * - Departure: `spec.suspend: true` (`argo suspend`) on an unfinished run → PAUSED (KFP never derives PAUSED and
 *   shows RUNNING); a pending termination wins.
 * - A phase newer than this code → PENDING, not an end state, so nothing treats the run as finished; KFP says
 *   UNSPECIFIED. The next phase the sync controller sees corrects it.
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
      // A phase newer than this code: a non-final state, never a guessed end state (see above).
      return terminating ? 'CANCELING' : 'PENDING';
  }
}

/** KFP's `IsTerminating()` test (`activeDeadlineSeconds == 0`), widened to Argo's own `spec.shutdown`. */
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
    // 'Pending' and anything newer than this code knows: the node has not started.
    default:
      return 'NEW';
  }
}
