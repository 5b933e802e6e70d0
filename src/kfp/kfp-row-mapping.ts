import type { StorageState } from '../store/database.js';

/**
 * How KFP's stored values read as kfp-graph's. Each rule follows KFP's own model conversions
 * (KFP: backend/src/apiserver/model/run.go RuntimeState.ToV2, StorageState.ToV2; model/pipeline.go NoNamespace).
 */

/** KFP stores `*InSec` columns as seconds, and 0 for "not yet" (ScheduledAtInSec, FinishedAtInSec). */
export function secondsToMs(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
}

/** A column that is never unset (CreatedAtInSec): 0 stays the epoch rather than becoming null. */
export function requiredSecondsToMs(value: number | string): number {
  return Number(value) * 1000;
}

/**
 * A run's state: the v2 `State` column, or for a legacy v1 row (State NULL) its `Conditions`, as KFP's ToV2
 * reads them. ''/Unknown/NO_STATUS become RUNTIME_STATE_UNSPECIFIED, which clients can tell apart from PENDING.
 */
export function runStateOf(state: string | null, conditions: string): string {
  const raw = (state ?? conditions ?? '').toUpperCase();
  switch (raw) {
    case 'PENDING':
      return 'PENDING';
    case 'RUNNING':
    case 'ENABLED':
    case 'READY':
      return 'RUNNING';
    case 'SUCCEEDED':
    case 'DONE':
      return 'SUCCEEDED';
    case 'SKIPPED':
      return 'SKIPPED';
    case 'FAILED':
    case 'ERROR':
      return 'FAILED';
    case 'CANCELING':
    case 'TERMINATING':
      return 'CANCELING';
    case 'CANCELED':
    case 'DISABLED':
      return 'CANCELED';
    case 'PAUSED':
      return 'PAUSED';
    default:
      return 'RUNTIME_STATE_UNSPECIFIED';
  }
}

/** The raw `State` values (v2 and legacy Conditions spellings) that KFP's ToV2 maps to each v2 state. */
export function rawRunStatesFor(states: readonly string[]): { readonly state: readonly string[]; readonly conditions: readonly string[] } {
  const spellings: Record<string, readonly string[]> = {
    PENDING: ['PENDING', 'Pending'],
    RUNNING: ['RUNNING', 'Running', 'ENABLED', 'Enabled', 'Ready', 'READY'],
    SUCCEEDED: ['SUCCEEDED', 'Succeeded', 'Done', 'DONE'],
    SKIPPED: ['SKIPPED', 'Skipped'],
    FAILED: ['FAILED', 'Failed', 'Error', 'ERROR'],
    CANCELING: ['CANCELING', 'Terminating', 'TERMINATING'],
    CANCELED: ['CANCELED', 'Canceled', 'DISABLED', 'Disabled'],
    PAUSED: ['PAUSED', 'Paused'],
    RUNTIME_STATE_UNSPECIFIED: ['RUNTIME_STATE_UNSPECIFIED', 'Unknown', 'UNKNOWN', 'NO_STATUS', ''],
  };
  const all = states.flatMap((s) => spellings[s] ?? []);
  return { state: all, conditions: all };
}

const ARCHIVED_SPELLINGS = ['ARCHIVED', 'STORAGESTATE_ARCHIVED', 'DISABLED'] as const;

/**
 * KFP writes `AVAILABLE`/`ARCHIVED` today and `STORAGESTATE_AVAILABLE`/`STORAGESTATE_ARCHIVED` in v1 rows. An
 * unspecified storage state is shown as AVAILABLE, as KFP's UI lists such rows among the active ones.
 */
export function storageStateOf(raw: string): StorageState {
  return (ARCHIVED_SPELLINGS as readonly string[]).includes(raw.toUpperCase()) ? 'ARCHIVED' : 'AVAILABLE';
}

/** The raw spellings to compare the column with when filtering by storage state (a raw column, no expression). */
export function rawStorageStates(state: StorageState): readonly string[] {
  return state === 'ARCHIVED' ? ARCHIVED_SPELLINGS : ['AVAILABLE', 'STORAGESTATE_AVAILABLE', 'STORAGE_STATE_UNSPECIFIED', 'STORAGESTATE_UNSPECIFIED', ''];
}

/** KFP stores a shared pipeline's namespace as '' or `-` (model.NoNamespace), older rows as NULL. */
export const SHARED_NAMESPACE_SPELLINGS = ['', '-'] as const;

export function pipelineNamespaceOf(raw: string | null): string {
  return raw === null || (SHARED_NAMESPACE_SPELLINGS as readonly string[]).includes(raw) ? '' : raw;
}

/**
 * Run and job parameters: v2 rows hold `RuntimeParameters` (a JSON object of name to value), v1 rows
 * `Parameters` (a JSON array of {name, value}). Both read as one object of name to value.
 */
export function parametersOf(runtime: string | null, legacy: string | null): Record<string, unknown> {
  const fromRuntime = parseJson(runtime);
  if (fromRuntime && typeof fromRuntime === 'object' && !Array.isArray(fromRuntime)) return fromRuntime as Record<string, unknown>;
  const fromLegacy = parseJson(legacy);
  if (Array.isArray(fromLegacy)) {
    const out: Record<string, unknown> = {};
    for (const item of fromLegacy) {
      if (item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string') {
        out[(item as { name: string }).name] = (item as { value?: unknown }).value ?? null;
      }
    }
    return out;
  }
  return {};
}

function parseJson(text: string | null): unknown {
  if (text === null || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** PostgreSQL answers booleans, MySQL tinyint 0/1. */
export function flagOf(value: boolean | number | string): boolean {
  return value === true || value === 1 || value === '1';
}
