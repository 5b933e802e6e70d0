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

/**
 * Who is asking (DESIGN.md "Identity"): a bearer token is reviewed by the API server; otherwise the auth proxy's
 * trusted user header is read, with KFP's prefix rule. No identity is UNAUTHENTICATED unless the operator
 * turned on an anonymous development user.
 */
export async function resolveIdentity(headers: RequestHeaders, settings: IdentitySettings, tokens: TokenReviewer | null): Promise<Identity> {
  const authorization = single(headers, 'authorization');
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
    if (!tokens) throw new UnauthenticatedError('bearer tokens are not accepted by this server');
    let identity: Identity | null;
    try {
      identity = await tokens.review(match[1]);
    } catch {
      throw new UnavailableError('the token could not be reviewed; try again');
    }
    if (!identity) throw new UnauthenticatedError('the token is not valid for this API (audience, expiry or signature)');
    return { ...identity, bearerToken: match[1] };
  }

  const raw = single(headers, settings.userHeader);
  if (raw === undefined || raw === '') {
    if (settings.anonymousUser) return { user: settings.anonymousUser, groups: [], source: 'anonymous' };
    throw new UnauthenticatedError(`no identity: send the ${settings.userHeader} header (through the auth proxy) or a bearer token`);
  }
  if (!raw.startsWith(settings.userPrefix)) {
    throw new InvalidInputError(`header ${settings.userHeader} must start with "${settings.userPrefix}"`, settings.userHeader);
  }
  const user = raw.slice(settings.userPrefix.length).trim();
  if (user === '') throw new UnauthenticatedError(`header ${settings.userHeader} names no user`);
  const groupsRaw = settings.groupsHeader ? single(headers, settings.groupsHeader) : undefined;
  const groups = groupsRaw ? [...new Set(groupsRaw.split(',').map((g) => g.trim()).filter(Boolean))] : [];
  return { user, groups, source: 'header' };
}
