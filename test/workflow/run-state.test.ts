import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXECUTION_STATE, executionStateFromNodePhase, runStateFromWorkflow } from '../../src/kube/workflow/run-state.js';
import type { RunState } from '../../src/kube/workflow/run-state.js';
import { NODE_PHASES, WORKFLOW_PHASES } from '../../src/kube/workflow/workflow-types.js';
import type { WorkflowPhase, WorkflowSpec } from '../../src/kube/workflow/workflow-types.js';
import { FIXTURES } from './workflow-fixtures.js';

type Control = 'none' | 'shutdown' | 'stop' | 'deadline0' | 'suspend' | 'suspend+shutdown';

const CONTROLS: Readonly<Record<Control, WorkflowSpec>> = {
  none: {},
  shutdown: { shutdown: 'Terminate' },
  stop: { shutdown: 'Stop' },
  deadline0: { activeDeadlineSeconds: 0 },
  suspend: { suspend: true },
  'suspend+shutdown': { suspend: true, shutdown: 'Terminate' },
};

/** Every workflow phase × every control field: the whole table, so a change to one cell shows up. */
const EXPECTED: Readonly<Record<WorkflowPhase, Readonly<Record<Control, RunState>>>> = {
  '': { none: 'PENDING', shutdown: 'CANCELING', stop: 'CANCELING', deadline0: 'CANCELING', suspend: 'PAUSED', 'suspend+shutdown': 'CANCELING' },
  Pending: { none: 'PENDING', shutdown: 'CANCELING', stop: 'CANCELING', deadline0: 'CANCELING', suspend: 'PAUSED', 'suspend+shutdown': 'CANCELING' },
  Running: { none: 'RUNNING', shutdown: 'CANCELING', stop: 'CANCELING', deadline0: 'CANCELING', suspend: 'PAUSED', 'suspend+shutdown': 'CANCELING' },
  Succeeded: { none: 'SUCCEEDED', shutdown: 'SUCCEEDED', stop: 'SUCCEEDED', deadline0: 'SUCCEEDED', suspend: 'SUCCEEDED', 'suspend+shutdown': 'SUCCEEDED' },
  Failed: { none: 'FAILED', shutdown: 'CANCELED', stop: 'CANCELED', deadline0: 'CANCELED', suspend: 'FAILED', 'suspend+shutdown': 'CANCELED' },
  Error: { none: 'FAILED', shutdown: 'CANCELED', stop: 'CANCELED', deadline0: 'CANCELED', suspend: 'FAILED', 'suspend+shutdown': 'CANCELED' },
};

/**
 * KFP's own answer for the same cells, as `ReportWorkflowResource` computes it (KFP:
 * backend/src/apiserver/resource/resource_manager.go; `IsTerminating` in backend/src/common/util/workflow.go,
 * `ToV2` in backend/src/apiserver/model/run.go): the phase's v2 state, CANCELING while activeDeadlineSeconds is 0
 * and the phase is not Succeeded/Failed/Error. KFP reads neither spec.shutdown nor spec.suspend.
 */
function kfpRunState(spec: WorkflowSpec, phase: WorkflowPhase): RunState | 'RUNTIME_STATE_UNSPECIFIED' {
  const final = phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
  if (spec.activeDeadlineSeconds === 0 && !final) return 'CANCELING';
  const v2: Record<WorkflowPhase, RunState | 'RUNTIME_STATE_UNSPECIFIED'> = {
    '': 'RUNTIME_STATE_UNSPECIFIED',
    Pending: 'PENDING',
    Running: 'RUNNING',
    Succeeded: 'SUCCEEDED',
    Failed: 'FAILED',
    Error: 'FAILED',
  };
  return v2[phase];
}

/** Where kfp-graph answers otherwise, deliberately (src/kube/workflow/run-state.ts, docs/architecture.md). */
function departure(phase: WorkflowPhase, control: Control): string | null {
  const final = phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
  if ((phase === 'Failed' || phase === 'Error') && control !== 'none' && control !== 'suspend') return 'terminated and then failed: CANCELED, not FAILED';
  if ((control === 'shutdown' || control === 'stop' || control === 'suspend+shutdown') && !final) return 'spec.shutdown is a termination request too';
  if (control === 'suspend' && !final) return 'suspended: PAUSED, not RUNNING';
  if (phase === '' && control === 'none') return 'not yet reconciled: PENDING, not UNSPECIFIED';
  return null;
}

describe('runStateFromWorkflow against KFP', () => {
  for (const phase of WORKFLOW_PHASES) {
    for (const control of Object.keys(CONTROLS) as Control[]) {
      const why = departure(phase, control);
      it(`phase "${phase}" with ${control}: ${why ? `departs (${why})` : 'as KFP'}`, () => {
        const ours = runStateFromWorkflow({ spec: CONTROLS[control], status: { phase } });
        const kfp = kfpRunState(CONTROLS[control], phase);
        if (why === null) expect(ours).toBe(kfp);
        else expect(ours).not.toBe(kfp);
      });
    }
  }

  it('KFP reports a terminating unfinished run CANCELING and a just-created one PENDING at creation', () => {
    expect(runStateFromWorkflow({ spec: { activeDeadlineSeconds: 0 }, status: { phase: 'Running' } })).toBe('CANCELING');
    // KFP's CreateRun stores PENDING for a Workflow whose phase is still '' (resource_manager.go `CreateRun`).
    expect(runStateFromWorkflow({ spec: {}, status: { phase: '' } })).toBe('PENDING');
  });

  it('a phase newer than this code is not an end state', () => {
    expect(runStateFromWorkflow({ spec: {}, status: { phase: 'Hibernating' as WorkflowPhase } })).toBe('PENDING');
    expect(runStateFromWorkflow({ spec: { activeDeadlineSeconds: 0 }, status: { phase: 'Hibernating' as WorkflowPhase } })).toBe('CANCELING');
  });
});

describe('runStateFromWorkflow', () => {
  for (const phase of WORKFLOW_PHASES) {
    for (const control of Object.keys(CONTROLS) as Control[]) {
      it(`phase "${phase}" with ${control} → ${EXPECTED[phase][control]}`, () => {
        expect(runStateFromWorkflow({ spec: CONTROLS[control], status: { phase } })).toBe(EXPECTED[phase][control]);
      });
    }
  }

  it('treats a workflow without status as PENDING', () => {
    expect(runStateFromWorkflow({ spec: {} })).toBe('PENDING');
    expect(runStateFromWorkflow({ spec: { shutdown: 'Terminate' } })).toBe('CANCELING');
  });

  it('does not read an empty shutdown as a request', () => {
    expect(runStateFromWorkflow({ spec: { shutdown: '' }, status: { phase: 'Running' } })).toBe('RUNNING');
  });
});

describe('executionStateFromNodePhase', () => {
  const expected = {
    Pending: 'NEW',
    Running: 'RUNNING',
    Succeeded: 'COMPLETE',
    Skipped: 'CACHED',
    Failed: 'FAILED',
    Error: 'FAILED',
    Omitted: 'CANCELED',
  } as const;

  for (const phase of NODE_PHASES) {
    it(`${phase} → ${expected[phase]}`, () => {
      const state = executionStateFromNodePhase(phase);
      expect(state.name).toBe(expected[phase]);
      expect(state.number).toBe(EXECUTION_STATE[expected[phase]]);
    });
  }

  it('maps a node without a phase to NEW', () => {
    expect(executionStateFromNodePhase(undefined)).toEqual({ name: 'NEW', number: 1 });
  });

  it('uses the numbers of MLMD Execution.State', () => {
    const enums = JSON.parse(readFileSync(`${FIXTURES}/mlmd/mlmd_enums.json`, 'utf8')) as {
      enums: Record<string, { values: { name: string; number: number }[] }>;
    };
    const fromProto = Object.fromEntries(enums.enums['Execution.State']?.values.map((v) => [v.name, v.number]) ?? []);
    expect(EXECUTION_STATE).toEqual(fromProto);
  });
});
