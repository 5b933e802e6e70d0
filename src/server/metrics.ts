import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PoolUsage } from '../store/store-handle.js';

/** What the metrics read from the parts they observe, at scrape time (their own counters stay in them). */
export interface MetricSources {
  readonly decisionCache?: () => { readonly hits: number; readonly shared: number; readonly misses: number };
  readonly sync?: () => {
    readonly events: number;
    readonly recorded: number;
    readonly ignored: number;
    readonly published: number;
    readonly failures: number;
    readonly relists: number;
    readonly lagMs: number;
  };
  readonly pools?: Readonly<Record<string, () => PoolUsage>>;
  readonly openSubscriptions?: () => number;
}

/**
 * Error codes kept as a label value; any other becomes `OTHER`. Codes come from the server, but a bounded
 * label set is what keeps /metrics from growing, so it is closed here rather than trusted.
 */
const ERROR_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'UNAVAILABLE',
  'INTERNAL',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'OPERATION_NOT_ALLOWED',
  'TOO_MANY_SUBSCRIPTIONS',
  'BAD_REQUEST',
]);

export function errorCodeLabel(code: unknown): string {
  return typeof code === 'string' && ERROR_CODES.has(code) ? code : 'OTHER';
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A counter that follows a total kept elsewhere: at each scrape it adds what the total grew by. */
function followingCounter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  label: L,
  read: () => Readonly<Record<string, number>> | undefined,
): void {
  const last = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      for (const [value, total] of Object.entries(read() ?? {})) {
        const grown = total - (last.get(value) ?? 0);
        if (grown > 0) this.inc({ [label]: value } as Record<L, string>, grown);
        last.set(value, total);
      }
    },
  });
}

/**
 * Prometheus metrics of one server instance (its own registry: two servers in one process never mix). Every
 * label takes values from a closed set, so no request can add a series; the README's "Metrics" lists them.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  #sources: MetricSources = {};

  readonly httpRequests = new Counter({
    name: 'kfp_graph_http_requests_total',
    help: 'HTTP requests by route and status code.',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly operationDuration = new Histogram({
    name: 'kfp_graph_graphql_operation_seconds',
    help: 'GraphQL operation latency (a subscription: its setup), by operation, outcome and transport.',
    labelNames: ['operation', 'outcome', 'transport'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'kfp_graph_graphql_errors_total',
    help: 'GraphQL errors by code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: 'kfp_graph_graphql_refused_total',
    help: 'Operations refused before execution, by reason and transport.',
    labelNames: ['reason', 'transport'] as const,
    registers: [this.registry],
  });
  readonly statementsPerOperation = new Histogram({
    name: 'kfp_graph_sql_statements_per_operation',
    help: 'SQL statements one GraphQL operation sent.',
    labelNames: ['operation', 'transport'] as const,
    buckets: [0, 1, 2, 5, 10, 20, 50, 100, 200],
    registers: [this.registry],
  });
  readonly accessReviews = new Counter({
    name: 'kfp_graph_subject_access_reviews_total',
    help: 'SubjectAccessReviews sent to the API server, by outcome (allowed, denied, error).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly accessReviewDuration = new Histogram({
    name: 'kfp_graph_subject_access_review_seconds',
    help: 'SubjectAccessReview latency.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly tokenReviews = new Counter({
    name: 'kfp_graph_token_reviews_total',
    help: 'TokenReviews sent to the API server, by outcome (authenticated, rejected, error).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly tokenReviewDuration = new Histogram({
    name: 'kfp_graph_token_review_seconds',
    help: 'TokenReview latency.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor(collectDefaults = true) {
    if (collectDefaults) collectDefaultMetrics({ register: this.registry, prefix: 'kfp_graph_' });
    const sources = () => this.#sources;
    followingCounter(
      this.registry,
      'kfp_graph_authz_cache_requests_total',
      'Authorization questions by how the decision cache answered (hit, shared, miss).',
      'result',
      () => {
        const stats = sources().decisionCache?.();
        return stats && { hit: stats.hits, shared: stats.shared, miss: stats.misses };
      },
    );
    followingCounter(
      this.registry,
      'kfp_graph_sync_events_total',
      'Workflow events of the sync controller: handled, recorded, ignored, published to subscribers.',
      'kind',
      () => {
        const stats = sources().sync?.();
        return stats && { handled: stats.events, recorded: stats.recorded, ignored: stats.ignored, published: stats.published };
      },
    );
    followingCounter(this.registry, 'kfp_graph_sync_errors_total', 'Sync controller failures: watches that failed, relists after 410 Gone.', 'kind', () => {
      const stats = sources().sync?.();
      return stats && { watch: stats.failures, relist: stats.relists };
    });
    new Gauge({
      name: 'kfp_graph_sync_lag_seconds',
      help: 'How long the last Workflow event waited from its arrival until the sync controller had applied it.',
      registers: [this.registry],
      collect() {
        const stats = sources().sync?.();
        if (stats) this.set(stats.lagMs / 1000);
      },
    });
    new Gauge({
      name: 'kfp_graph_subscriptions_open',
      help: 'GraphQL subscriptions open on this replica.',
      registers: [this.registry],
      collect() {
        this.set(sources().openSubscriptions?.() ?? 0);
      },
    });
    const pool = (name: string, help: string, read: (usage: PoolUsage) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['database'] as const,
        registers: [this.registry],
        collect() {
          for (const [database, usage] of Object.entries(sources().pools ?? {})) this.set({ database }, read(usage()));
        },
      });
    pool('kfp_graph_db_pool_connections', 'Connections the database pool holds (PostgreSQL, MySQL).', (u) => u.size);
    pool('kfp_graph_db_pool_in_use', 'Pool connections lent to a statement or transaction.', (u) => u.inUse);
    pool('kfp_graph_db_pool_waiting', 'Requests waiting for a pool connection.', (u) => u.waiting);
  }

  /** Names the parts whose own counters are read at scrape time; called once they exist. */
  observe(sources: MetricSources): void {
    this.#sources = { ...this.#sources, ...sources };
  }
}
