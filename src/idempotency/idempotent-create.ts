import { randomUUID } from 'node:crypto';
import { NO_DEADLINE, type WriteGuard } from '../app/write-guard.js';
import { ConflictError, isDomainError } from '../errors/domain-errors.js';
import type { IdempotencyRepository } from '../store/idempotency-repository.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { assertSameRequest, type RequestKey } from './request-key.js';

/** Who asks for a create, and how: their request ID (if any) and the request's write guard. */
export interface CreateCall {
  readonly key: RequestKey | null;
  readonly guard?: WriteGuard;
}

export interface IdempotentCreateDeps {
  readonly keys: IdempotencyRepository;
  readonly now: () => number;
}

/**
 * Runs `create(id)` at most once per (user, request ID): the key is stored with the ID chosen for the new
 * object *before* the object is written, so a retry (or a concurrent duplicate) finds the key and returns the
 * object with that ID instead of creating a second one. A create that fails releases its key, so the client may
 * fix the input and send the same request ID again; if even that release failed, the retry re-runs the create
 * with the same ID, which the object's primary key (or the cluster's AlreadyExists) makes safe.
 */
export async function idempotentCreate<T>(
  deps: IdempotentCreateDeps,
  call: CreateCall,
  create: (id: string) => Promise<T>,
  load: (id: string) => Promise<T | undefined>,
): Promise<T> {
  const guard = call.guard ?? NO_DEADLINE;
  const key = call.key;
  if (!key) {
    guard.beginWrite();
    return create(randomUUID());
  }
  const stored = await deps.keys.get(key.owner, key.requestId);
  if (stored) return resume(guard, key, stored, create, load);
  guard.beginWrite();
  const id = randomUUID();
  try {
    await deps.keys.insert({
      owner: key.owner,
      request_id: key.requestId,
      operation: key.operation,
      fingerprint: key.fingerprint,
      resource_id: id,
      created_at: deps.now(),
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const raced = await deps.keys.get(key.owner, key.requestId);
    if (!raced) throw error;
    return resume(guard, key, raced, create, load);
  }
  try {
    return await create(id);
  } catch (error) {
    await deps.keys.delete(key.owner, key.requestId).catch(() => undefined);
    throw error;
  }
}

async function resume<T>(
  guard: WriteGuard,
  key: RequestKey,
  stored: { readonly operation: string; readonly fingerprint: string; readonly resource_id: string },
  create: (id: string) => Promise<T>,
  load: (id: string) => Promise<T | undefined>,
): Promise<T> {
  assertSameRequest(key, stored);
  const found = await load(stored.resource_id);
  if (found !== undefined) return found;
  // The first request has not written its object: it failed and could not release the key, or it is still
  // running. Creating with the same ID settles both: one of the two writes wins, the other finds it.
  guard.beginWrite();
  try {
    return await create(stored.resource_id);
  } catch (error) {
    if (isUniqueViolation(error) || (isDomainError(error) && error.code === 'CONFLICT')) {
      const again = await load(stored.resource_id);
      if (again !== undefined) return again;
      if (!isDomainError(error)) throw new ConflictError('a request with this requestId is still in progress; retry shortly');
    }
    throw error;
  }
}
