/**
 * The business errors every layer below the GraphQL API throws. `src/server` maps each `code` to
 * `extensions.code` in one place; anything that is not a DomainError is masked as INTERNAL.
 */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT' | 'UNAVAILABLE';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** Extra, client-safe facts (the offending input path, the setting name). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED' as const;
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN' as const;
}

/** Also what a caller gets for an object in a namespace it may not read: it must not learn it exists. */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;
}

export class InvalidInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT' as const;
  constructor(message: string, path?: string, details: Readonly<Record<string, unknown>> = {}) {
    super(message, path === undefined ? details : { ...details, path });
  }
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT' as const;
}

export class UnavailableError extends DomainError {
  readonly code = 'UNAVAILABLE' as const;
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
