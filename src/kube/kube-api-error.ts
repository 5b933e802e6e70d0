import { ApiException } from '@kubernetes/client-node';
import { ConflictError, InvalidInputError, UnavailableError } from '../errors/domain-errors.js';

/** The HTTP status of a failed client-node call, or undefined when the API server did not answer at all. */
export function apiStatusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** The `message` of the Kubernetes Status a failed call returned, if any. */
export function apiStatusMessage(error: unknown): string | undefined {
  if (!(error instanceof ApiException)) return undefined;
  const body: unknown = typeof error.body === 'string' ? safeJson(error.body) : error.body;
  const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * What a client sees when the cluster refused a write: 400/422 (the CRD schema refused the object) is the
 * caller's input; 409 is a conflict; everything else (403 for kfp-graph's own account, 5xx, no answer) is
 * UNAVAILABLE, with the API server's message kept for 4xx only (5xx bodies may carry internals).
 */
export function toDomainError(error: unknown, what: string): Error {
  const code = apiStatusCode(error);
  const message = apiStatusMessage(error);
  if (code === 400 || code === 422) return new InvalidInputError(`the cluster refused the ${what}: ${message ?? 'invalid'}`, undefined);
  if (code === 404) return new ConflictError(`the cluster has no such object for the ${what}${message ? `: ${message}` : ''}`);
  if (code === 409) return new ConflictError(`the cluster refused the ${what}: ${message ?? 'conflict'}`);
  if (code !== undefined && code < 500) return new UnavailableError(`the cluster refused the ${what} (${code}${message ? `: ${message}` : ''})`);
  return new UnavailableError(`the cluster did not accept the ${what}; try again`);
}
