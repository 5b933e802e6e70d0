import { InvalidInputError, UnauthenticatedError, UnavailableError } from '../errors/domain-errors.js';
import type { Identity } from './identity.js';
import type { TokenReviewer } from './token-reviewer.js';

export interface IdentitySettings {
  readonly userHeader: string;
  readonly userPrefix: string;
  /** '' disables the groups header. */
  readonly groupsHeader: string;
  readonly anonymousUser?: string;
}

/** Request headers as Node's `headersDistinct` gives them: lowercase names, every value of a repeated one. */
export type RequestHeaders = Readonly<Record<string, readonly string[] | undefined>>;

function single(headers: RequestHeaders, name: string): string | undefined {
  const values = headers[name.toLowerCase()];
  if (values === undefined || values.length === 0) return undefined;
  // KFP refuses a repeated identity header: two proxies disagreeing is not something to guess about.
  if (values.length > 1) throw new InvalidInputError(`header ${name} must be sent once`, name);
  return values[0];
}

/** The auth proxy's trusted user header, with KFP's prefix rule (KFP: backend/src/apiserver/auth/authenticator_http_headers.go). */
function headerIdentity(raw: string, headers: RequestHeaders, settings: IdentitySettings): Identity {
  if (!raw.startsWith(settings.userPrefix)) {
    throw new InvalidInputError(`header ${settings.userHeader} must start with "${settings.userPrefix}"`, settings.userHeader);
  }
  const user = raw.slice(settings.userPrefix.length).trim();
  if (user === '') throw new UnauthenticatedError(`header ${settings.userHeader} names no user`);
  const groupsRaw = settings.groupsHeader ? single(headers, settings.groupsHeader) : undefined;
  const groups = groupsRaw
    ? [
        ...new Set(
          groupsRaw
            .split(',')
            .map((g) => g.trim())
            .filter(Boolean),
        ),
      ]
    : [];
  return { user, groups, source: 'header' };
}

/** `Authorization: Bearer <token>` reviewed by the API server (KFP: backend/src/apiserver/auth/authenticator_token_review.go). */
async function tokenIdentity(authorization: string, tokens: TokenReviewer | null, signal?: AbortSignal): Promise<Identity> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
  if (!tokens) throw new UnauthenticatedError('bearer tokens are not accepted by this server');
  let identity: Identity | null;
  try {
    identity = await tokens.review(match[1], signal);
  } catch {
    // Unreachable, slow (past TOKEN_REVIEW_TIMEOUT_MS) or cut off by the request's deadline: the token may be
    // fine, so this is not UNAUTHENTICATED; the client may retry.
    throw new UnavailableError('the token could not be reviewed; try again');
  }
  if (!identity) throw new UnauthenticatedError('the token is not valid for this API (audience, expiry or signature)');
  // Kept (never logged) so that kfp mode can forward the caller's own token to KFP's API server.
  return { ...identity, bearerToken: match[1] };
}

/**
 * Who is asking (docs/design.md "Identity"), in KFP's order: the header authenticator first, TokenReview second
 * (KFP: backend/src/apiserver/auth/auth.go `GetAuthenticators`, tried in order by
 * resource_manager.go `AuthenticateRequest`). Behind Kubeflow's gateway every request carries both: oauth2-proxy
 * puts the Dex JWT in `Authorization` and Istio copies its email claim into `kubeflow-userid`
 * (kubeflow/manifests requestauthentication.dex-jwt.yaml, `outputClaimToHeaders`); that JWT is not a Kubernetes
 * token, so reviewing it first would refuse every browser request. So a non-empty trusted header decides (its
 * malformations are 400/401, never a fallback to the token); a bearer token is reviewed only without it. The
 * header is trusted because the Istio AuthorizationPolicy in deploy/ lets only the gateway reach kfp-graph with
 * it. No identity is UNAUTHENTICATED unless the operator turned on an anonymous development user.
 */
export async function resolveIdentity(
  headers: RequestHeaders,
  settings: IdentitySettings,
  tokens: TokenReviewer | null,
  signal?: AbortSignal,
): Promise<Identity> {
  const raw = single(headers, settings.userHeader);
  // An empty header names nobody; KFP's header authenticator fails on it and the next authenticator is tried.
  if (raw !== undefined && raw !== '') return headerIdentity(raw, headers, settings);
  const authorization = single(headers, 'authorization');
  if (authorization !== undefined) return tokenIdentity(authorization, tokens, signal);
  if (settings.anonymousUser) return { user: settings.anonymousUser, groups: [], source: 'anonymous' };
  throw new UnauthenticatedError(`no identity: send the ${settings.userHeader} header (through the auth proxy) or a bearer token`);
}
