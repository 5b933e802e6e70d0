import type { RequestAttributes, UserInfo } from '../authz/rbac/index.js';
import type { EmulatorCluster } from './emulator-cluster.js';
import { isRecord } from './kube-object.js';
import { kubeTimestamp } from './object-metadata.js';
import type { ResourceType } from './resource-types.js';
import { ApiError, badRequest, invalid, notFound } from './status-error.js';

type Body = Record<string, unknown>;

/**
 * The computed, never-stored "review" resources: SubjectAccessReview (any user, as `spec.user`/`spec.groups`
 * say — exactly those groups, nothing added), SelfSubjectAccessReview (the caller, after impersonation),
 * LocalSubjectAccessReview (namespace from the URL), TokenReview and SelfSubjectReview.
 */
export function answerReview(cluster: EmulatorCluster, type: ResourceType, namespace: string, body: unknown, caller: UserInfo): Body {
  if (!isRecord(body)) throw badRequest('the body of the request must be a JSON object');
  const spec = isRecord(body.spec) ? body.spec : {};
  const echo = { ...body, apiVersion: `${type.group}/${type.version}`, kind: type.kind, metadata: { creationTimestamp: null } };
  switch (type.kind) {
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview': {
      const user = typeof spec.user === 'string' ? spec.user : '';
      const groups = Array.isArray(spec.groups) ? spec.groups.map(String) : [];
      if (user === '' && groups.length === 0) {
        throw invalid(type.kind, type.group, '', [
          { reason: 'FieldValueRequired', field: 'spec.user', message: 'Required value: at least one of user or group must be specified' },
        ]);
      }
      const attributes = accessAttributes(spec, type.kind === 'LocalSubjectAccessReview' ? namespace : undefined);
      return { ...echo, status: decide(cluster, { username: user, groups }, attributes) };
    }
    case 'SelfSubjectAccessReview':
      return { ...echo, status: decide(cluster, caller, accessAttributes(spec, undefined)) };
    case 'TokenReview': {
      const token = typeof spec.token === 'string' ? spec.token : '';
      const audiences = Array.isArray(spec.audiences) ? spec.audiences.map(String) : [];
      const review = cluster.reviewToken(token, audiences);
      const status = review
        ? { authenticated: true, user: { username: review.user.username, uid: review.user.uid, groups: review.user.groups }, audiences: review.audiences }
        : { authenticated: false, user: {}, error: '[invalid bearer token, token lookup failed]' };
      return { ...echo, status };
    }
    case 'SelfSubjectReview':
      return { ...echo, status: { userInfo: { username: caller.username, uid: caller.uid, groups: caller.groups } } };
    default:
      throw new ApiError(405, 'MethodNotAllowed', `${type.kind} is not supported`);
  }
}

/** POST …/serviceaccounts/NAME/token: a bound token (authentication.k8s.io/v1 TokenRequest). */
export function answerTokenRequest(cluster: EmulatorCluster, namespace: string, name: string, body: unknown): Body {
  const spec = isRecord(body) && isRecord(body.spec) ? body.spec : {};
  const audiences = Array.isArray(spec.audiences) ? spec.audiences.map(String) : [];
  const expirationSeconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : 3600;
  // kube-apiserver refuses durations under ten minutes.
  if (expirationSeconds < 600) {
    throw invalid('TokenRequest', 'authentication.k8s.io', name, [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.expirationSeconds',
        message: `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes`,
      },
    ]);
  }
  const issued = cluster.issueToken(namespace, name, audiences, expirationSeconds);
  if (!issued) throw notFound('serviceaccounts', '', name);
  return {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { name, namespace, creationTimestamp: kubeTimestamp(issued.claims.issuedAt * 1000) },
    spec: { ...spec, audiences: issued.claims.audiences, expirationSeconds },
    status: { token: issued.token, expirationTimestamp: kubeTimestamp(issued.claims.expiresAt * 1000) },
  };
}

function decide(cluster: EmulatorCluster, user: UserInfo, attributes: RequestAttributes): Body {
  const decision = cluster.authorize(user, attributes);
  return decision.reason ? { allowed: decision.allowed, reason: decision.reason } : { allowed: decision.allowed };
}

function accessAttributes(spec: Body, urlNamespace: string | undefined): RequestAttributes {
  const r = isRecord(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const n = isRecord(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (r && !n) {
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    const namespace = text(r.namespace);
    if (urlNamespace !== undefined && namespace !== urlNamespace) {
      throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${urlNamespace}`);
    }
    return {
      kind: 'resource',
      verb: text(r.verb),
      apiGroup: text(r.group),
      resource: text(r.resource),
      subresource: text(r.subresource),
      namespace,
      name: text(r.name),
    };
  }
  if (n && !r) {
    return { kind: 'nonResource', verb: typeof n.verb === 'string' ? n.verb : '', path: typeof n.path === 'string' ? n.path : '' };
  }
  throw invalid('SubjectAccessReview', 'authorization.k8s.io', '', [
    {
      reason: 'FieldValueRequired',
      field: 'spec.resourceAttributes',
      message: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    },
  ]);
}
