import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import type { Config } from '../config/config.js';
import type { Identity } from '../identity/identity.js';
import { resolveIdentity, type IdentitySettings, type RequestHeaders } from '../identity/resolve-identity.js';
import type { TokenReviewer } from '../identity/token-reviewer.js';
import { countingStatements, type StatementTally } from '../store/statement-scope.js';
import type { Logger } from './logger.js';
import { errorCodeLabel, type ServerMetrics } from './metrics.js';
import { operationCost } from './operation-cost.js';
import { OperationLabels } from './operation-labels.js';
import type { TrustedDocuments } from './trusted-documents.js';

export type Transport = 'http' | 'ws';

/** What a client sends for one operation, on either transport (GraphQL over HTTP's fields, graphql-ws's payload). */
export interface OperationRequest {
  readonly query?: unknown;
  readonly documentId?: unknown;
  readonly operationName?: unknown;
  readonly variables?: unknown;
  readonly extensions?: unknown;
}

export type RefusalReason = 'trusted_documents' | 'parse' | 'validation' | 'operation_type' | 'cost' | 'subscriptions' | 'timeout';

export type Admission =
  | {
      readonly ok: true;
      readonly document: DocumentNode;
      readonly operation: OperationDefinitionNode;
      readonly variables: Readonly<Record<string, unknown>>;
      readonly label: string;
    }
  | { readonly ok: false; readonly errors: readonly GraphQLError[]; readonly reason: RefusalReason; readonly label: string };

export interface GateDependencies {
  readonly schema: GraphQLSchema;
  readonly config: Pick<
    Config,
    | 'MAX_DEPTH'
    | 'MAX_COST'
    | 'MAX_ALIASES'
    | 'MAX_TOKENS'
    | 'REQUEST_TIMEOUT_MS'
    | 'WEBSOCKET_ALLOW_QUERIES_AND_MUTATIONS'
    | 'METRICS_OPERATION_NAMES'
    | 'KUBEFLOW_USERID_HEADER'
    | 'KUBEFLOW_USERID_PREFIX'
    | 'KUBEFLOW_GROUPS_HEADER'
    | 'DANGEROUSLY_ALLOW_ANONYMOUS_USER'
    | 'INTROSPECTION'
  >;
  readonly tokens: TokenReviewer | null;
  readonly trustedDocuments?: TrustedDocuments;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
}

/** One operation on its way through: times it, counts its statements, reports it once. */
export class OperationTrace {
  readonly #gate: OperationGate;
  readonly #started = performance.now();
  readonly statements: StatementTally = { count: 0 };
  label = 'other';
  #finished = false;

  constructor(
    gate: OperationGate,
    readonly transport: Transport,
    readonly requestId: string,
    readonly user: string,
  ) {
    this.#gate = gate;
  }

  /** Runs `work` (the execution) with its SQL statements counted. */
  run<T>(work: () => T): T {
    return countingStatements(this.statements, work);
  }

  /** Reports the operation: latency, error codes, statements, and a log line for WebSocket operations. Later calls do nothing. */
  finish(outcome: 'ok' | 'error' | 'timeout' | 'refused', errorCodes: readonly unknown[] = []): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#gate.report(this, outcome, errorCodes, (performance.now() - this.#started) / 1000);
  }
}

const refusal = (message: string, code: string, reason: RefusalReason, label: string): Admission => ({
  ok: false,
  errors: [new GraphQLError(message, { extensions: { code } })],
  reason,
  label,
});

/**
 * The one gate every GraphQL operation passes, whatever its transport (docs/design.md "Limits"): identity, trusted
 * documents, the document limits (tokens, depth, aliases, directives, cost with the request's variables), which
 * operation types the transport may run, the request timeout, and the operation's metrics and log line.
 * HTTP reaches it through Apollo (which parses and validates with `parseOptions` and `validationRules` and
 * calls `check` once the operation is known); the WebSocket server, which has no Apollo, calls `admit`.
 * Over graphql-ws nothing of this used to apply: one message of 300 aliases ran 4 s and blocked `/healthz`.
 */
export class OperationGate {
  readonly #deps: GateDependencies;
  readonly #identity: IdentitySettings;
  readonly labels: OperationLabels;
  readonly parseOptions: { readonly maxTokens: number };
  /** graphql-armor's rules (depth, aliases, directives); the cost is `check`'s, which sees variables. */
  readonly validationRules: readonly ValidationRule[];
  readonly #wsRules: readonly ValidationRule[];
  readonly #traces = new WeakMap<object, OperationTrace>();
  /** Armor's Apollo plugin hiding field suggestions ("Did you mean …"); `admit` masks them the same way. */
  readonly apolloPlugins: readonly unknown[];

  constructor(deps: GateDependencies) {
    this.#deps = deps;
    const { config } = deps;
    this.#identity = {
      userHeader: config.KUBEFLOW_USERID_HEADER,
      userPrefix: config.KUBEFLOW_USERID_PREFIX,
      groupsHeader: config.KUBEFLOW_GROUPS_HEADER,
      ...(config.DANGEROUSLY_ALLOW_ANONYMOUS_USER ? { anonymousUser: config.DANGEROUSLY_ALLOW_ANONYMOUS_USER } : {}),
    };
    this.labels = new OperationLabels([
      ...config.METRICS_OPERATION_NAMES,
      ...(deps.trustedDocuments ? OperationLabels.namesOf(deps.trustedDocuments.documents()) : []),
    ]);
    this.parseOptions = { maxTokens: config.MAX_TOKENS };
    const armor = new ApolloArmor({
      maxDepth: { n: config.MAX_DEPTH },
      // Armor counts only literal page sizes; `check` counts `first: $f` too (operationCost).
      costLimit: { enabled: false },
      maxAliases: { n: config.MAX_ALIASES },
      // graphql-js enforces the token limit inside parse (`parseOptions`), so it is a parse error, not a 500.
      maxTokens: { enabled: false },
      maxDirectives: { n: 50 },
    }).protect();
    // Introspection off (production default, INTROSPECTION) is a validation rule, so both transports refuse it.
    this.validationRules = config.INTROSPECTION ? armor.validationRules : [...armor.validationRules, NoSchemaIntrospectionCustomRule];
    this.apolloPlugins = armor.plugins;
    this.#wsRules = [...specifiedRules, ...this.validationRules];
  }

  /** Who is asking, by the HTTP rules (a WebSocket uses the headers of its upgrade request). */
  identify(headers: RequestHeaders, signal?: AbortSignal): Promise<Identity> {
    return resolveIdentity(headers, this.#identity, this.#deps.tokens, signal);
  }

  /** Whether introspection runs (INTROSPECTION; off by default in production). */
  get introspection(): boolean {
    return this.#deps.config.INTROSPECTION;
  }

  get trustedDocuments(): TrustedDocuments | undefined {
    return this.#deps.trustedDocuments;
  }

  /** Starts an operation's trace; `owner` (an object of its request) finds it again through `traceOf`. */
  begin(transport: Transport, requestId: string, user: string, owner?: object): OperationTrace {
    const trace = new OperationTrace(this, transport, requestId, user);
    if (owner) this.#traces.set(owner, trace);
    return trace;
  }

  traceOf(owner: object): OperationTrace | undefined {
    return this.#traces.get(owner);
  }

  /**
   * The whole admission for a transport without Apollo: the trusted document (if TRUSTED_DOCUMENTS), parsed with
   * the token limit, validated with graphql-js's and armor's rules, then `check`.
   */
  admit(request: OperationRequest, transport: Transport): Admission {
    const named = typeof request.operationName === 'string' ? request.operationName : undefined;
    let query = request.query;
    const trusted = this.#deps.trustedDocuments;
    if (trusted) {
      const extensions = request.extensions as { readonly documentId?: unknown } | undefined;
      const resolved = trusted.resolve({
        documentId: request.documentId ?? extensions?.documentId,
        ...(typeof request.query === 'string' && request.query !== '' ? { query: request.query } : {}),
        extensions: request.extensions,
      });
      if (!resolved.ok) return refusal(resolved.message, 'PERSISTED_QUERY_NOT_FOUND', 'trusted_documents', this.labels.of(named));
      query = resolved.query;
    }
    if (typeof query !== 'string') return refusal('the operation has no query', 'BAD_USER_INPUT', 'parse', this.labels.of(named));
    let document: DocumentNode;
    try {
      document = parse(query, this.parseOptions);
    } catch (error) {
      const message = error instanceof GraphQLError ? error.message : 'the document could not be parsed';
      return refusal(message, 'GRAPHQL_PARSE_FAILED', 'parse', this.labels.of(named));
    }
    const invalid = validate(this.#deps.schema, document, this.#wsRules);
    if (invalid.length > 0) {
      // As armor's plugin does for Apollo: the schema is not to be explored through the validator's suggestions.
      const errors = invalid.map(
        (e) =>
          new GraphQLError(e.message.replace(/Did you mean ".+"/g, '[Suggestion hidden]'), {
            nodes: e.nodes ?? [],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          }),
      );
      return { ok: false, errors, reason: 'validation', label: this.labels.of(named) };
    }
    const operation = getOperationAST(document, named);
    if (!operation)
      return refusal('the document names no single operation to run (operationName)', 'OPERATION_RESOLUTION_FAILURE', 'validation', this.labels.of(named));
    const label = this.labels.of(operation.name?.value);
    const variables = request.variables ?? {};
    if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
      return refusal('variables must be an object', 'BAD_USER_INPUT', 'validation', label);
    }
    const refused = this.check(document, operation, variables as Record<string, unknown>, transport);
    if (refused) return { ...refused, label };
    return { ok: true, document, operation, variables: variables as Record<string, unknown>, label };
  }

  /**
   * The checks that depend on the request, not only on its (cached, validated) document: the operation types the
   * transport may run, and the cost with the page sizes this request's variables give.
   */
  check(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Readonly<Record<string, unknown>>,
    transport: Transport,
  ): { readonly ok: false; readonly errors: readonly GraphQLError[]; readonly reason: RefusalReason } | null {
    const { config } = this.#deps;
    if (transport === 'ws' && operation.operation !== 'subscription' && !config.WEBSOCKET_ALLOW_QUERIES_AND_MUTATIONS) {
      return {
        ok: false,
        reason: 'operation_type',
        errors: [
          new GraphQLError(`only subscriptions run over the WebSocket; send this ${operation.operation} over HTTP`, {
            extensions: { code: 'OPERATION_NOT_ALLOWED' },
          }),
        ],
      };
    }
    const cost = operationCost(document, operation, variables);
    if (cost > config.MAX_COST) {
      return {
        ok: false,
        reason: 'cost',
        errors: [new GraphQLError(`Query Cost limit of ${config.MAX_COST} exceeded, found ${cost}.`, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })],
      };
    }
    return null;
  }

  /** The refusal a transport reports when an operation outlived REQUEST_TIMEOUT_MS. */
  timeoutError(): GraphQLError {
    return new GraphQLError(`the request took longer than ${this.#deps.config.REQUEST_TIMEOUT_MS} ms`, { extensions: { code: 'UNAVAILABLE' } });
  }

  /** Counts a refusal before execution (the trace, if any, is finished by the caller). */
  refused(reason: RefusalReason, transport: Transport): void {
    this.#deps.metrics.refused.inc({ reason, transport });
  }

  /** @internal OperationTrace.finish */
  report(trace: OperationTrace, outcome: string, errorCodes: readonly unknown[], seconds: number): void {
    const { metrics, logger } = this.#deps;
    metrics.operationDuration.observe({ operation: trace.label, outcome, transport: trace.transport }, seconds);
    metrics.statementsPerOperation.observe({ operation: trace.label, transport: trace.transport }, trace.statements.count);
    for (const code of errorCodes) metrics.errors.inc({ code: errorCodeLabel(code) });
    // Over HTTP the access line (http-handler) is the request's one log line and carries the same facts; a
    // WebSocket operation has no access line of its own, so it is logged here.
    if (trace.transport !== 'ws') return;
    logger.info('operation', {
      requestId: trace.requestId,
      user: trace.user,
      transport: trace.transport,
      operation: trace.label,
      outcome,
      statements: trace.statements.count,
      ms: Math.round(seconds * 1000),
    });
  }
}
