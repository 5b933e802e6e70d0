import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserInfo } from '../authz/rbac/index.js';
import { discoveryDocument, SERVER_VERSION } from './discovery-handler.js';
import { openApiV3 } from './openapi-handler.js';
import type { EmulatorCluster } from './emulator-cluster.js';
import { isRecord } from './kube-object.js';
import { listObjects } from './list-handler.js';
import type { ObjectWriter } from './object-writer.js';
import { readBody } from './request-body.js';
import { applyImpersonation, authenticateRequest } from './request-identity.js';
import { parseRequestInfo, type ResourceRequestInfo } from './request-info.js';
import { answerReview, answerTokenRequest } from './review-handler.js';
import type { ResourceType } from './resource-types.js';
import { ApiError, groupResource, notFound } from './status-error.js';
import { serveWatch, type WatchOptions } from './watch-handler.js';

export interface RouterContext {
  readonly cluster: EmulatorCluster;
  readonly writer: ObjectWriter;
  readonly watch: WatchOptions;
  /** Enders of open watch streams, so closing the emulator does not wait for them. */
  readonly openWatches: Set<() => void>;
}

/** The health and version paths (`system:public-info-viewer` lets everyone read them). */
const INFO_PATHS = new Set(['/version', '/version/', '/healthz', '/livez', '/readyz']);

/**
 * kube-apiserver's handler chain in miniature: authentication → impersonation → authorization (RBAC) → the
 * REST handler of the resource; every failure becomes a `Status` body with its HTTP code.
 */
export async function handleRequest(ctx: RouterContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const info = parseRequestInfo(method, url);
    const user = applyImpersonation(ctx.cluster, authenticateRequest(ctx.cluster, req), req);
    if (info.kind === 'discovery' || info.kind === 'nonResource') {
      // Discovery, OpenAPI, health and version are non-resource URLs to kube-apiserver, authorized by RBAC like any
      // other: the bootstrap roles system:discovery and system:public-info-viewer grant them (bootstrap-policy.ts).
      const decision = ctx.cluster.authorize(user, { kind: 'nonResource', verb: info.verb, path: info.path });
      if (!decision.allowed) throw new ApiError(403, 'Forbidden', `forbidden: User "${user.username}" cannot ${info.verb} path "${info.path}"`);
      const doc =
        info.kind === 'discovery'
          ? discoveryDocument(ctx.cluster.registry, info.path, info.groupVersion)
          : info.path.startsWith('/openapi/v3')
            ? openApiV3(ctx.cluster.registry, info.path)
            : INFO_PATHS.has(info.path)
              ? info.path.startsWith('/version')
                ? SERVER_VERSION
                : 'ok'
              : undefined;
      if (doc === undefined) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      return typeof doc === 'string' ? sendText(res, 200, doc) : sendJson(res, 200, doc);
    }
    const type = ctx.cluster.registry.lookup(info.group, info.version, info.resource);
    if (!type || type.behaviour === 'virtual') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    checkSubresource(type, info);
    authorizeResource(ctx.cluster, user, info);
    await serveResource(ctx, type, info, user, url, req, res);
  } catch (error) {
    const apiError =
      error instanceof ApiError
        ? error
        : new ApiError(500, 'InternalError', `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`);
    if (!res.headersSent) sendJson(res, apiError.code, apiError.toStatus());
    else res.end();
  }
}

async function serveResource(
  ctx: RouterContext,
  type: ResourceType,
  info: ResourceRequestInfo,
  user: UserInfo,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { writer, cluster } = ctx;
  const ns = type.namespaced ? info.namespace : '';
  if (info.subresource === 'token') {
    return sendJson(res, 201, answerTokenRequest(cluster, info.namespace, info.name, await readBody(req)));
  }
  if (type.behaviour === 'review') {
    if (info.verb !== 'create') throw methodNotAllowed(info);
    return sendJson(res, 201, answerReview(cluster, type, info.namespace, await readBody(req), user));
  }
  switch (info.verb) {
    case 'get': {
      const found = cluster.store.get(type.storageKey, ns, info.name);
      if (!found) throw notFound(type.plural, type.group, info.name);
      return sendJson(res, 200, { ...found, apiVersion: type.group === '' ? type.version : `${type.group}/${type.version}`, kind: type.kind });
    }
    case 'list':
      return sendJson(res, 200, listObjects(cluster, type, ns, url));
    case 'watch': {
      const end = serveWatch(cluster, type, ns, url, res, ctx.watch);
      ctx.openWatches.add(end);
      res.on('close', () => ctx.openWatches.delete(end));
      return;
    }
    case 'create':
      return sendJson(res, 201, writer.create(type, ns, await readBody(req)));
    case 'update':
      return sendJson(res, 200, writer.update(type, ns, info.name, await readBody(req), info.subresource));
    case 'patch':
      return sendJson(res, 200, writer.patch(type, ns, info.name, await readBody(req), req.headers['content-type'] ?? '', info.subresource));
    case 'delete': {
      const body = await readBody(req);
      const pre = isRecord(body) && isRecord(body.preconditions) ? body.preconditions : {};
      const preconditions = {
        ...(typeof pre.resourceVersion === 'string' ? { resourceVersion: pre.resourceVersion } : {}),
        ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}),
      };
      return sendJson(res, 200, writer.delete(type, ns, info.name, preconditions));
    }
    case 'deletecollection': {
      const list = listObjects(cluster, type, ns, url);
      for (const item of list.items) writer.delete(type, item.metadata.namespace ?? '', item.metadata.name ?? '');
      return sendJson(res, 200, list);
    }
    default:
      throw methodNotAllowed(info);
  }
}

function checkSubresource(type: ResourceType, info: ResourceRequestInfo): void {
  if (info.subresource === '') return;
  const ok =
    (info.subresource === 'status' && type.statusSubresource && ['get', 'update', 'patch'].includes(info.verb)) ||
    (info.subresource === 'token' && type.group === '' && type.plural === 'serviceaccounts' && info.verb === 'create');
  if (!ok) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

/** RBAC on the request's attributes; the Forbidden message is kube-apiserver's, word for word. */
function authorizeResource(cluster: EmulatorCluster, user: UserInfo, info: ResourceRequestInfo): void {
  const decision = cluster.authorize(user, {
    kind: 'resource',
    verb: info.verb,
    apiGroup: info.group,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
  });
  if (decision.allowed) return;
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const target = info.name ? `${groupResource(info.resource, info.group)} "${info.name}"` : groupResource(info.resource, info.group);
  const scope = info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
  throw new ApiError(
    403,
    'Forbidden',
    `${target} is forbidden: User "${user.username}" cannot ${info.verb} resource "${resource}" in API group "${info.group}" ${scope}`,
    { ...(info.name ? { name: info.name } : {}), group: info.group, kind: info.resource },
  );
}

function methodNotAllowed(info: ResourceRequestInfo): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${info.verb} ${info.resource})`);
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
