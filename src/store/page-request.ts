import { InvalidInputError } from '../errors/domain-errors.js';

/** Relay's connection arguments, as a client sent them. */
export interface ConnectionArgs {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly last?: number | null;
  readonly before?: string | null;
}

export interface PageLimits {
  readonly defaultSize: number;
  readonly maxSize: number;
}

/** A validated request for one page: which way to walk, how many, from where. */
export interface PageRequest {
  readonly size: number;
  readonly backward: boolean;
  readonly cursor: string | null;
}

/**
 * Relay's pagination algorithm reduced to what keyset needs: `first`/`after` walks forward, `last`/`before`
 * backward. Mixing the two directions in one request is refused rather than guessed at.
 */
export function toPageRequest(args: ConnectionArgs, limits: PageLimits): PageRequest {
  const { first, after, last, before } = args;
  if ((first != null || after != null) && (last != null || before != null)) {
    throw new InvalidInputError('use either first/after or last/before, not both', 'first');
  }
  const backward = last != null || before != null;
  const requested = backward ? last : first;
  const argument = backward ? 'last' : 'first';
  if (requested != null && (!Number.isInteger(requested) || requested < 1 || requested > limits.maxSize)) {
    throw new InvalidInputError(`${argument} must be between 1 and ${limits.maxSize}, got ${requested}`, argument);
  }
  return { size: requested ?? limits.defaultSize, backward, cursor: (backward ? before : after) ?? null };
}
