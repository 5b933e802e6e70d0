import type { Identity } from '../identity/identity.js';
import type { AccessRequest } from './access-request.js';

/**
 * Answers one access question. Implementations never throw: any failure to get an answer is a denial
 * (fail closed), reported through `onError` for the logs.
 */
export interface Authorizer {
  isAllowed(identity: Identity, request: AccessRequest): Promise<boolean>;
}
