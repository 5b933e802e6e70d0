import type { ExperimentRow, PipelineRow, PipelineVersionRow, RecurringRunRow } from '../../src/store/database.js';
import type { Page } from '../../src/store/keyset-page.js';
import type { ListOrder } from '../../src/store/list-order.js';
import type { PageRequest } from '../../src/store/page-request.js';

/** Small row builders and a page walker for the repository tests. Ids are fixed-width so every collation agrees. */
export const T0 = Date.UTC(2024, 0, 1);

export function experiment(id: string, namespace: string, name: string, createdAt: number, more: Partial<ExperimentRow> = {}): ExperimentRow {
  return { id, namespace, name, description: '', storage_state: 'AVAILABLE', created_at: createdAt, ...more };
}

export function pipeline(id: string, namespace: string, name: string, createdAt: number): PipelineRow {
  return { id, namespace, name, description: '', created_at: createdAt };
}

export function version(id: string, p: PipelineRow, name: string, createdAt: number): PipelineVersionRow {
  return { id, pipeline_id: p.id, namespace: p.namespace, name, description: '', spec: '{}', created_at: createdAt };
}

export { run } from '../support/run-row.js';

export function recurringRun(
  id: string,
  namespace: string,
  experimentId: string,
  versionId: string,
  name: string,
  createdAt: number,
  more: Partial<RecurringRunRow> = {},
): RecurringRunRow {
  return {
    id,
    namespace,
    experiment_id: experimentId,
    pipeline_version_id: versionId,
    name,
    description: '',
    cron: '0 * * * *',
    interval_seconds: null,
    max_concurrency: 1,
    catchup: 0,
    start_at: null,
    end_at: null,
    enabled: 1,
    parameters: '{}',
    service_account: 'default-editor',
    created_by: 'alice@example.com',
    created_by_groups: '[]',
    scheduled_workflow_name: `swf-${id}`,
    created_at: createdAt,
    updated_at: createdAt,
    ...more,
  };
}

interface Orderable {
  readonly id: string;
  readonly name: string;
  readonly created_at: number;
}

const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

/** The order a ListOrder promises: the sort column, then the id in the same direction. */
export function expectedOrder<Row extends Orderable>(rows: readonly Row[], order: ListOrder): string[] {
  const byName = order.startsWith('NAME');
  const sign = order.endsWith('_ASC') ? 1 : -1;
  return [...rows].sort((a, b) => sign * (cmp(byName ? a.name : a.created_at, byName ? b.name : b.created_at) || cmp(a.id, b.id))).map((r) => r.id);
}

export type Lister<Row> = (order: ListOrder, page: PageRequest) => Promise<Page<Row>>;

export interface Walk {
  /** Ids in list order, however the pages were walked. */
  readonly ids: string[];
  readonly pages: number;
}

/**
 * Follows `endCursor` forward (first/after) or `startCursor` backward (last/before) until the connection says
 * there is nothing more, checking Relay's hasNextPage/hasPreviousPage on every page on the way.
 */
export async function walk<Row extends { readonly id: string }>(list: Lister<Row>, order: ListOrder, size: number, backward: boolean): Promise<Walk> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 1000; guard += 1) {
    const page: Page<Row> = await list(order, { size, backward, cursor });
    const ids = page.items.map((r) => r.id);
    pages.push(ids);
    if (ids.length > size) throw new Error(`page of ${ids.length} rows for size ${size}`);
    const more = backward ? page.hasPreviousPage : page.hasNextPage;
    const behind = backward ? page.hasNextPage : page.hasPreviousPage;
    if (behind !== (cursor !== null)) throw new Error(`page ${pages.length}: the flag for the pages behind is ${behind}`);
    if (page.items.length > 0 && (page.startCursor !== page.cursorOf(page.items[0] as Row) || page.endCursor !== page.cursorOf(page.items.at(-1) as Row))) {
      throw new Error('start/end cursors do not match the first/last items');
    }
    if (!more) break;
    if (ids.length !== size) throw new Error(`a page before the last holds ${ids.length} rows, not ${size}`);
    cursor = backward ? page.startCursor : page.endCursor;
  }
  const ordered = backward ? pages.reverse().flat() : pages.flat();
  return { ids: ordered, pages: pages.length };
}
