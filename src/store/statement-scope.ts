import { AsyncLocalStorage } from 'node:async_hooks';

/** Statements sent on behalf of one operation (the metrics' SQL statements per operation). */
export interface StatementTally {
  count: number;
}

const scope = new AsyncLocalStorage<StatementTally>();

/**
 * Runs `work` with every statement it causes counted in `tally`. An async context rather than a counter on the
 * request, because statements are sent from repositories and DataLoader batches that never see the request;
 * per-request loaders keep a batch in the context of the request that started it.
 */
export function countingStatements<T>(tally: StatementTally, work: () => T): T {
  return scope.run(tally, work);
}

/** Called by the store for each statement sent. */
export function tallyStatement(): void {
  const tally = scope.getStore();
  if (tally) tally.count += 1;
}
