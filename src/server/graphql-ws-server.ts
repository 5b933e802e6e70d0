import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { GraphQLError, execute, subscribe, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { AppServices } from '../app/app-services.js';
import type { Identity } from '../identity/identity.js';
import type { RequestHeaders } from '../identity/resolve-identity.js';
import { formatError } from './format-error.js';
import type { Logger } from './logger.js';
import type { OperationGate, OperationTrace, RefusalReason } from './operation-gate.js';
import { createRequestContext } from './request-context.js';
import { RequestDeadline } from './request-deadline.js';
import { SubscriptionSlots, releasingOnEnd } from './subscription-slots.js';
import { isAllowedWebSocketOrigin } from './websocket-origin.js';

export interface GraphqlWsServer {
  /** Subscriptions open now (the metrics' gauge). */
  readonly openSubscriptions: () => number;
  close(): Promise<void>;
}

/** What onSubscribe admitted, found again by execute/subscribe through the operation's own context. */
interface AdmittedOperation {
  /** Queries and mutations: REQUEST_TIMEOUT_MS, with the write rule HTTP has (a started write is awaited). */
  readonly deadline?: RequestDeadline;
  readonly trace: OperationTrace;
  readonly release: () => void;
}

const codesOf = (errors: readonly GraphQLError[] | undefined): unknown[] => (errors ?? []).map((e) => formatError(e.toJSON(), e).extensions?.code);

const isAsyncIterable = (value: unknown): value is AsyncIterable<ExecutionResult> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

const noRelease = (): void => undefined;

/**
 * graphql-ws on the HTTP server's `/graphql` path, behind the same OperationGate as HTTP. Identity follows the
 * HTTP rules, settled once when the connection is initialised: the auth proxy's trusted user header from the
 * upgrade request (never from `connectionParams`, which the client writes freely), or a bearer token from the
 * upgrade request or from `connectionParams.authorization` (browsers cannot set headers on a WebSocket),
 * reviewed by the API server. Every subscribe message is admitted by the gate (trusted documents, limits,
 * operation type), counted against the per-connection and process caps, bounded by REQUEST_TIMEOUT_MS (a
 * query or mutation whole, a subscription's setup) and reported like an HTTP operation. A message larger than
 * WEBSOCKET_MAX_MESSAGE_BYTES closes the socket (1009, the `ws` library's answer) before it is parsed.
 */
export function startGraphqlWsServer(server: Server, schema: GraphQLSchema, app: AppServices, gate: OperationGate, logger: Logger): GraphqlWsServer {
  const { config } = app;
  const slots = new SubscriptionSlots(config.MAX_SUBSCRIPTIONS);
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: config.WEBSOCKET_MAX_MESSAGE_BYTES,
    verifyClient: ({ req }, accept) => {
      const allowed = isAllowedWebSocketOrigin(req, config.ALLOWED_ORIGINS);
      if (!allowed) logger.warn('websocket refused: cross-site origin', { origin: req.headers.origin });
      accept(allowed, 403, 'cross-site WebSocket refused');
    },
  });
  const identities = new WeakMap<object, Identity>();
  const admitted = new WeakMap<object, AdmittedOperation>();
  const format = (result: ExecutionResult) => (result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : result);
  const refuse = (trace: OperationTrace, reason: RefusalReason, errors: readonly GraphQLError[]): readonly GraphQLError[] => {
    gate.refused(reason, 'ws');
    trace.finish('refused', codesOf(errors));
    return errors;
  };
  /** The operation onSubscribe admitted for these arguments; none means it did not pass the gate. */
  const admittedFor = (args: ExecutionArgs): AdmittedOperation | undefined =>
    typeof args.contextValue === 'object' && args.contextValue !== null ? admitted.get(args.contextValue) : undefined;
  const notAdmitted = (): ExecutionResult => ({ errors: [new GraphQLError('the operation was not admitted', { extensions: { code: 'INTERNAL' } })] });

  const disposable = useServer<Record<string, unknown> | undefined>(
    {
      schema,
      onConnect: async (ctx) => {
        const headers: Record<string, readonly string[] | undefined> = { ...(ctx.extra.request.headersDistinct as RequestHeaders) };
        const fromParams = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        if (headers.authorization === undefined && typeof fromParams === 'string') headers.authorization = [fromParams];
        try {
          identities.set(ctx, await gate.identify(headers));
          return true;
        } catch (error) {
          logger.info('websocket refused', { error: error instanceof Error ? error.message : String(error) });
          return false;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        const identity = identities.get(ctx);
        if (!identity) return [new GraphQLError('not authenticated', { extensions: { code: 'UNAUTHENTICATED' } })];
        const requestId = randomUUID();
        const trace = gate.begin('ws', requestId, identity.user);
        // graphql-ws has already entered this operation in `ctx.subscriptions`.
        if (Object.keys(ctx.subscriptions).length > config.MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          const message = `at most ${config.MAX_SUBSCRIPTIONS_PER_CONNECTION} operations may be open on one connection`;
          return refuse(trace, 'subscriptions', [new GraphQLError(message, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })]);
        }
        const admission = gate.admit(payload, 'ws');
        trace.label = admission.label;
        if (!admission.ok) return refuse(trace, admission.reason, admission.errors);
        let release = noRelease;
        if (admission.operation.operation === 'subscription') {
          const slot = slots.acquire();
          if (!slot) {
            return refuse(trace, 'subscriptions', [
              new GraphQLError('this server has as many subscriptions open as it allows; try again later', { extensions: { code: 'UNAVAILABLE' } }),
            ]);
          }
          release = slot;
        }
        const deadline = admission.operation.operation === 'subscription' ? undefined : new RequestDeadline(app.config.REQUEST_TIMEOUT_MS);
        const contextValue = createRequestContext(app, identity, requestId, deadline);
        admitted.set(contextValue, { trace, release, ...(deadline ? { deadline } : {}) });
        return {
          schema,
          document: admission.document,
          ...(admission.operation.name ? { operationName: admission.operation.name.value } : {}),
          variableValues: admission.variables,
          contextValue,
        };
      },
      execute: async (args) => {
        const operation = admittedFor(args);
        if (!operation) return notAdmitted();
        const { trace, deadline } = operation;
        if (!deadline) return notAdmitted();
        let result: ExecutionResult | 'timeout';
        try {
          const running = Promise.resolve(trace.run(() => execute(args)));
          result = await deadline.race(running);
          if (result === 'timeout') {
            // As over HTTP: a mutation that began writing finishes (or undoes itself) and its real outcome is
            // sent, late; otherwise nothing was written and the timeout is the truth.
            if (!deadline.writing) {
              running.catch(() => undefined);
              gate.refused('timeout', 'ws');
              trace.finish('timeout', ['UNAVAILABLE']);
              return { errors: [gate.timeoutError()] };
            }
            result = await running;
          }
        } finally {
          deadline.clear();
        }
        trace.finish(result.errors?.length ? 'error' : 'ok', codesOf(result.errors));
        return result;
      },
      subscribe: async (args) => {
        const operation = admittedFor(args);
        if (!operation) return notAdmitted();
        const { trace, release } = operation;
        // The setup (authorization, the first reads) is bounded like a request; the stream itself is not.
        const deadline = new RequestDeadline(app.config.REQUEST_TIMEOUT_MS);
        const running = Promise.resolve(trace.run(() => subscribe(args)));
        const result = await deadline.race(running).finally(() => deadline.clear());
        if (result === 'timeout') {
          release();
          // A setup that finishes after all is stopped, not left listening with nobody to send to.
          void running.then((late) => (isAsyncIterable(late) ? late[Symbol.asyncIterator]().return?.() : undefined)).catch(() => undefined);
          gate.refused('timeout', 'ws');
          trace.finish('timeout', ['UNAVAILABLE']);
          return { errors: [gate.timeoutError()] };
        }
        if (isAsyncIterable(result)) {
          trace.finish('ok');
          return releasingOnEnd(result, release);
        }
        release();
        trace.finish(result.errors?.length ? 'error' : 'ok', codesOf(result.errors));
        return result;
      },
      onNext: (_ctx, _id, _payload, _args, result) => format(result),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)),
    },
    wss,
  );
  return {
    openSubscriptions: () => slots.open,
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
