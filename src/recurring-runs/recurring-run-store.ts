import type { Identity } from '../identity/identity.js';
import type { RecurringRunRow } from '../store/database.js';
import type { Page } from '../store/keyset-page.js';
import type { ListOrder } from '../store/list-order.js';
import type { PageRequest } from '../store/page-request.js';
import type { RecurringRunFilter } from '../store/recurring-run-repository.js';
import type { CreateRecurringRun } from './recurring-run-service.js';

/** The mode seam for recurring runs (reads): kfp-graph's `recurring_runs`, or KFP's `jobs`. */
export interface RecurringRunReads {
  byIds(ids: readonly string[]): Promise<readonly RecurringRunRow[]>;
  list(namespaces: readonly string[], filter: RecurringRunFilter, order: ListOrder | undefined, page: PageRequest): Promise<Page<RecurringRunRow>>;
}

export interface RecurringRunCommands {
  get(id: string): Promise<RecurringRunRow>;
  create(input: CreateRecurringRun, creator: Identity): Promise<RecurringRunRow>;
  setEnabled(id: string, enabled: boolean, caller: Identity): Promise<RecurringRunRow>;
  delete(id: string, caller: Identity): Promise<RecurringRunRow>;
}
