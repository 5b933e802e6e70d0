import type { WriteGuard } from '../app/write-guard.js';
import type { Identity } from '../identity/identity.js';
import type { RunRow, StorageState } from '../store/database.js';
import type { Page } from '../store/keyset-page.js';
import type { ListOrder } from '../store/list-order.js';
import type { PageRequest } from '../store/page-request.js';
import type { RunFilter } from '../store/run-repository.js';
import type { CreateRun } from './run-service.js';

/** The mode seam for runs (reads): kfp-graph's `runs` table, or KFP's `run_details`. */
export interface RunReads {
  byIds(ids: readonly string[]): Promise<readonly RunRow[]>;
  list(namespaces: readonly string[], filter: RunFilter, order: ListOrder | undefined, page: PageRequest): Promise<Page<RunRow>>;
  countByExperiments(experimentIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

/** Run writes: a Workflow and a row (standalone), or KFP's run API (kfp mode). Authorized before the call. */
export interface RunCommands {
  get(id: string): Promise<RunRow>;
  /** `call.requestId` makes a retry return the first outcome (standalone); `call.guard` marks the first write. */
  create(input: CreateRun, creator: Identity, call?: { readonly requestId?: string | null; readonly guard?: WriteGuard }): Promise<RunRow>;
  terminate(id: string, caller: Identity): Promise<RunRow>;
  retry(id: string, caller: Identity): Promise<RunRow>;
  setStorageState(id: string, state: StorageState, caller: Identity): Promise<RunRow>;
  delete(id: string, caller: Identity): Promise<RunRow>;
}
