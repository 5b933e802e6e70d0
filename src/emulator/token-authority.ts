import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isRecord } from './kube-object.js';

/** kube-apiserver's own audience (`--api-audiences`): a token must carry it to call the Kubernetes API. */
export const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

/** What a ServiceAccount token asserts, like the claims of a bound service-account JWT. */
export interface TokenClaims {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The ServiceAccount's uid at issue time: a token outlives neither its ServiceAccount nor a re-creation. */
  readonly serviceAccountUid: string;
  readonly audiences: readonly string[];
  /** Seconds since the epoch. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/**
 * Issues and verifies bound ServiceAccount tokens: HMAC-SHA256-signed JSON with a per-emulator random key, so a
 * token is only valid against the emulator that issued it, and it expires.
 */
export class TokenAuthority {
  readonly #key = randomBytes(32);
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  issue(claims: Omit<TokenClaims, 'issuedAt' | 'expiresAt'>, expirationSeconds: number): { token: string; claims: TokenClaims } {
    const issuedAt = Math.floor(this.#now() / 1000);
    const full: TokenClaims = { ...claims, issuedAt, expiresAt: issuedAt + expirationSeconds };
    const payload = Buffer.from(JSON.stringify(full)).toString('base64url');
    return { token: `emu.${payload}.${this.#sign(payload)}`, claims: full };
  }

  /** The claims of a well-signed, unexpired token; undefined for anything else. */
  verify(token: string): TokenClaims | undefined {
    const [prefix, payload, signature] = token.split('.');
    if (prefix !== 'emu' || !payload || !signature) return undefined;
    const expected = Buffer.from(this.#sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const claims = parseClaims(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!claims || claims.expiresAt * 1000 <= this.#now()) return undefined;
    return claims;
  }

  #sign(payload: string): string {
    return createHmac('sha256', this.#key).update(payload).digest('base64url');
  }
}

function parseClaims(text: string): TokenClaims | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || !Array.isArray(value.audiences)) return undefined;
  const { namespace, serviceAccount, serviceAccountUid, issuedAt, expiresAt } = value;
  if (typeof namespace !== 'string' || typeof serviceAccount !== 'string' || typeof serviceAccountUid !== 'string') return undefined;
  if (typeof issuedAt !== 'number' || typeof expiresAt !== 'number') return undefined;
  return { namespace, serviceAccount, serviceAccountUid, issuedAt, expiresAt, audiences: value.audiences.map(String) };
}
