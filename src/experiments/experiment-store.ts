import type { Identity } from '../identity/identity.js';
import type { ExperimentRow, StorageState } from '../store/database.js';
import type { ExperimentFilter } from '../store/experiment-repository.js';
import type { Page } from '../store/keyset-page.js';
import type { ListOrder } from '../store/list-order.js';
import type { PageRequest } from '../store/page-request.js';
import type { CreateExperiment, UpdateExperiment } from './experiment-service.js';

/**
 * The mode seam for experiments: what resolvers and loaders read. kfp-graph's own store (standalone) and KFP's
 * `experiments` table (kfp mode) both answer it with the same rows, so no resolver knows the mode.
 */
export interface ExperimentReads {
  byIds(ids: readonly string[]): Promise<readonly ExperimentRow[]>;
  list(namespaces: readonly string[], filter: ExperimentFilter, order: ListOrder | undefined, page: PageRequest): Promise<Page<ExperimentRow>>;
}

/**
 * The writes. Authorization happened before a call reaches here; `caller` is who asked, which kfp mode forwards
 * to KFP's API server unchanged so that KFP applies its own checks too.
 */
export interface ExperimentCommands {
  get(id: string): Promise<ExperimentRow>;
  create(input: CreateExperiment, caller: Identity): Promise<ExperimentRow>;
  update(id: string, changes: UpdateExperiment, caller: Identity): Promise<ExperimentRow>;
  setStorageState(id: string, state: StorageState, caller: Identity): Promise<ExperimentRow>;
  delete(id: string, caller: Identity): Promise<ExperimentRow>;
}
