import { createHash } from 'node:crypto';
import { InvalidInputError } from '../errors/domain-errors.js';
import type { Identity } from '../identity/identity.js';
import { canonicalJson } from '../kube/workflow/canonical-json.js';

/**
 * A create mutation's idempotency key: the client-chosen `requestId` (like Stripe's Idempotency-Key), scoped to
 * the user who sent it, so one user's key can never return another user's object. The fingerprint of the
 * rest of the input makes a key reused for a different request an error instead of a silent replay.
 */
export interface RequestKey {
  readonly owner: string;
  readonly requestId: string;
  readonly operation: string;
  readonly fingerprint: string;
}

const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** Null without a request ID: the create is then not idempotent, as before. */
export function requestKeyOf(requestId: string | null | undefined, creator: Identity, operation: string, input: unknown): RequestKey | null {
  if (requestId === undefined || requestId === null) return null;
  if (!REQUEST_ID.test(requestId)) {
    throw new InvalidInputError('requestId must be 1 to 128 printable ASCII characters without spaces', 'input.requestId');
  }
  const { requestId: _omitted, ...rest } = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  // Through JSON first, so that a Date counts by its value (canonicalJson alone would see an empty object).
  const fingerprint = createHash('sha256')
    .update(canonicalJson(JSON.parse(JSON.stringify(rest)) as unknown))
    .digest('hex');
  return { owner: creator.user, requestId, operation, fingerprint };
}

/** The same key sent with another mutation or other input is the client's mistake, not a replay. */
export function assertSameRequest(key: RequestKey, stored: { readonly operation: string; readonly fingerprint: string }): void {
  if (stored.operation !== key.operation || stored.fingerprint !== key.fingerprint) {
    throw new InvalidInputError('this requestId was already used for a different request; choose a new one', 'input.requestId');
  }
}
