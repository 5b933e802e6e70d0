import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  EXECUTION_STATE,
  executionStateFromNodePhase,
  runStateFromWorkflow,
} from '../../src/kube/workflow/run-state.js';
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
