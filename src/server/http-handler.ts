import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { AppServices } from '../app/app-services.js';
import { isDomainError, type ErrorCode } from '../errors/domain-errors.js';
import { graphiqlPage, type StaticAsset } from './graphiql-assets.js';
import { toTrustedRequest } from './trusted-request.js';
import type { ResponseErrorCode } from './error-codes.js';
import { BodyTooLargeError, readBody } from './http-body.js';
import type { Identity } from '../identity/identity.js';
import type { Logger } from './logger.js';
import type { ServerMetrics } from './metrics.js';
import type { ReadinessReport } from './readiness-checks.js';
import type { OperationGate } from './operation-gate.js';
import { createRequestContext, type RequestContext } from './request-context.js';
import { RequestDeadline } from './request-deadline.js';

export interface HttpDependencies {
  readonly app: AppServices;
  readonly apollo: ApolloServer<RequestContext>;
  /** Identity, trusted documents, limits, timeout, metrics: the same gate the WebSocket server uses. */
  readonly gate: OperationGate;
  readonly logger: Logger;
  readonly metrics: ServerMetrics;
  /** What /readyz answers: gating checks, and the cluster's state reported beside them. */
  readonly readiness: () => Promise<ReadinessReport>;
  readonly graphiql: { readonly assets: ReadonlyMap<string, StaticAsset>; readonly defaultHeaders?: Readonly<Record<string, string>> } | null;
}

const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  UNAVAILABLE: 503,
};

const GRAPHIQL_CSP =
  "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'";

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

/** The spec's media type when the client asked for it, else the legacy `application/json`. */
function responseTypeFor(req: IncomingMessage | undefined): string {
  const accept = (req?.headers.accept ?? '').toLowerCase();
  return `${accept.includes(GRAPHQL_RESPONSE_JSON) ? GRAPHQL_RESPONSE_JSON : 'application/json'}; charset=utf-8`;
}

/** A GraphQL-shaped error for failures before execution (identity, body size), as the spec's JSON. */
/** What the access line says about one request. */
interface AccessRecord {
  user?: string;
  operation?: string;
  /** SQL statements the operation sent (the gate's count). */
  statements?: number;
  readonly codes: string[];
}

/** A GraphQL-shaped error for failures before execution (identity, body size), as the spec's JSON. */
function sendGraphqlError(res: ServerResponse, status: number, code: ResponseErrorCode, message: string, req: IncomingMessage, access: AccessRecord): void {
  access.codes.push(code);
  send(res, status, responseTypeFor(req), JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/** The codes of a small error answer Apollo wrote without running the plugins (a body without a query, CSRF). */
function errorCodesOf(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { readonly errors?: readonly { readonly extensions?: { readonly code?: unknown } }[] };
    return (parsed.errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
  } catch {
    return [];
  }
}

/** The client hung up or sent a broken stream: its doing, not a server fault. */
function isClientAbort(req: IncomingMessage, error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return req.destroyed || code === 'ECONNRESET' || code === 'ECONNABORTED' || (error instanceof Error && error.message === 'aborted');
}

/** Codes of GraphQL request errors: the document or its variables, not the HTTP request, are at fault. */
const REQUEST_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * GraphQL over HTTP: with `application/graphql-response+json` a request error (parse, validation, variables) is
 * a 400, as Apollo answers; with the legacy `application/json` the spec says a well-formed HTTP request gets 200
 * whatever GraphQL thought of the document, so that old clients read the `errors`. Anything else Apollo
 * refused with 400 (CSRF, a body without a query) stays 400.
 */
function legacyStatus(status: number, contentType: string | undefined, body: string): number {
  if (status !== 400 || !(contentType ?? '').toLowerCase().startsWith('application/json')) return status;
  try {
    const parsed = JSON.parse(body) as { readonly data?: unknown; readonly errors?: readonly { readonly extensions?: { readonly code?: unknown } }[] };
    const errors = parsed.errors ?? [];
    const requestErrors = errors.length > 0 && parsed.data === undefined && errors.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code)));
    return requestErrors ? 200 : status;
  } catch {
    return status;
  }
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(given) ? given : randomUUID();
}

function wantsGraphiql(req: IncomingMessage, url: URL): boolean {
  return req.method === 'GET' && !url.searchParams.has('query') && (req.headers.accept ?? '').includes('text/html');
}

/**
 * The HTTP surface: /graphql (GraphQL over HTTP, GET and POST, and GraphiQL for browsers), its assets,
 * /healthz and /readyz (metrics have their own port: metrics-server.ts). Identity is settled before GraphQL
 * runs, so an anonymous request never reaches a resolver.
 */
export function createHttpHandler(deps: HttpDependencies): (req: IncomingMessage, res: ServerResponse) => void {
  const { app, apollo, gate, logger, metrics } = deps;

  /** Answers a GraphQL request, filling in `access` (the caller, operation, error codes, statements) for the access line. */
  async function graphql(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    requestId: string,
    deadline: RequestDeadline,
    access: AccessRecord,
  ): Promise<void> {
    let identity: Identity;
    try {
      // One deadline for the whole request: a silent TokenReview cannot push the answer past REQUEST_TIMEOUT_MS.
      const resolved = await deadline.race(gate.identify(req.headersDistinct, deadline.signal));
      if (resolved === 'timeout') {
        gate.refused('timeout', 'http');
        sendGraphqlError(res, 503, 'UNAVAILABLE', gate.timeoutError().message, req, access);
        return;
      }
      identity = resolved;
    } catch (error) {
      if (!isDomainError(error)) throw error;
      sendGraphqlError(res, STATUS_OF[error.code], error.code, error.message, req, access);
      return;
    }
    access.user = identity.user;
    let body: unknown;
    if (req.method === 'POST') {
      const text = await readBody(req, app.config.MAX_BODY_BYTES);
      const type = (req.headers['content-type'] ?? '').toLowerCase();
      if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
        try {
          body = JSON.parse(text);
        } catch {
          sendGraphqlError(res, 400, 'BAD_REQUEST', 'the request body is not valid JSON', req, access);
          return;
        }
      } else {
        body = text;
      }
    }
    const context = createRequestContext(app, identity, requestId, deadline);
    // Keyed by the request's authorizer: Apollo hands plugins a shallow copy of the context, with the same members.
    const trace = gate.begin('http', requestId, identity.user, context.authz);
    let search = url.search;
    if (gate.trustedDocuments) {
      const trusted = toTrustedRequest(gate.trustedDocuments, req.method === 'POST' ? body : undefined, url);
      if (!trusted.ok) {
        gate.refused('trusted_documents', 'http');
        trace.finish('refused', ['PERSISTED_QUERY_NOT_FOUND']);
        sendGraphqlError(res, 400, 'PERSISTED_QUERY_NOT_FOUND', trusted.message, req, access);
        return;
      }
      body = trusted.body;
      search = trusted.search;
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const execution = trace.run(() =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search, body },
        context: async () => context,
      }),
    );
    let response = await deadline.race(execution);
    access.operation = context.outcome.operation;
    if (response === 'timeout') {
      // A mutation that began writing is neither abandoned nor reported as failed: it finishes (or undoes
      // itself) and the client gets its real outcome, late. Otherwise nothing was written: 503 is the truth.
      if (!deadline.writing) {
        execution.catch(() => undefined);
        gate.refused('timeout', 'http');
        trace.finish('timeout', ['UNAVAILABLE']);
        logger.warn('request timed out', { requestId, user: identity.user, operation: access.operation, ms: app.config.REQUEST_TIMEOUT_MS });
        sendGraphqlError(res, 503, 'UNAVAILABLE', gate.timeoutError().message, req, access);
        return;
      }
      logger.warn('request past its deadline; waiting for the mutation it started', { requestId });
      response = await execution;
    }
    access.codes.push(...context.outcome.errorCodes);
    // Apollo answers some requests (CSRF, no query) before any plugin hook: they are still one operation.
    trace.finish((response.status ?? 200) < 400 ? 'ok' : 'error');
    access.statements = trace.statements.count;
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.setHeader('cache-control', 'no-store');
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      if (access.codes.length === 0 && (response.status ?? 200) >= 400) access.codes.push(...errorCodesOf(response.body.string));
      res.statusCode = legacyStatus(res.statusCode, response.headers.get('content-type'), response.body.string);
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  return (req, res) => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    const url = new URL(req.url ?? '/', 'http://localhost');
    let route = 'other';
    const access: AccessRecord = { codes: [] };
    const handle = async (): Promise<void> => {
      if (url.pathname === '/graphql') {
        route = 'graphql';
        if (wantsGraphiql(req, url) && deps.graphiql) {
          route = 'graphiql';
          send(
            res,
            200,
            'text/html; charset=utf-8',
            graphiqlPage({ endpoint: '/graphql', ...(deps.graphiql.defaultHeaders ? { defaultHeaders: deps.graphiql.defaultHeaders } : {}) }),
            {
              'content-security-policy': GRAPHIQL_CSP,
            },
          );
          return;
        }
        const deadline = new RequestDeadline(app.config.REQUEST_TIMEOUT_MS);
        try {
          await graphql(req, res, url, requestId, deadline, access);
        } finally {
          deadline.clear();
        }
        return;
      }
      const asset = req.method === 'GET' ? deps.graphiql?.assets.get(url.pathname) : undefined;
      if (asset) {
        route = 'asset';
        send(res, 200, asset.contentType, asset.body, { 'cache-control': 'public, max-age=3600' });
        return;
      }
      if (url.pathname === '/healthz') {
        route = 'healthz';
        send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
        return;
      }
      if (url.pathname === '/readyz') {
        route = 'readyz';
        const { checks, cluster } = await deps.readiness();
        const ready = Object.values(checks).every(Boolean);
        send(res, ready ? 200 : 503, 'application/json; charset=utf-8', JSON.stringify({ ready, checks, cluster }));
        return;
      }
      send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    };
    handle()
      .catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          sendGraphqlError(res, 413, 'BAD_REQUEST', error.message, req, access);
          return;
        }
        if (isClientAbort(req, error)) {
          logger.info('client went away', { requestId, error: error instanceof Error ? error.message : String(error) });
          if (!res.headersSent) sendGraphqlError(res, 400, 'BAD_REQUEST', 'the request body was cut off', req, access);
          else res.end();
          return;
        }
        logger.error('request failed', { requestId, error });
        if (!res.headersSent) sendGraphqlError(res, 500, 'INTERNAL', 'Internal server error', req, access);
        else res.end();
      })
      .finally(() => {
        metrics.httpRequests.inc({ route, status: String(res.statusCode) });
        if (route !== 'asset' && route !== 'healthz') {
          // The access line: one per request, info whatever the outcome (errors are logged on their own line).
          logger.info('request', {
            requestId,
            user: access.user,
            method: req.method,
            route,
            ...(route === 'graphql' ? { operation: access.operation ?? null } : {}),
            status: res.statusCode,
            ...(access.codes.length > 0 ? { errors: access.codes } : {}),
            ...(access.statements === undefined ? {} : { statements: access.statements }),
            ms: Math.round(performance.now() - started),
          });
        }
      });
  };
}
