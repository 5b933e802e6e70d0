import { InvalidInputError } from '../errors/domain-errors.js';

/**
 * The opaque cursor of a metadata listing: the (create_time_since_epoch, id) of the last row of a page, the
 * listing's sort key. base64url of a small JSON array; a tampered cursor is a client error, not a crash.
 */
export interface KeysetPosition {
  readonly createdAt: number;
  readonly id: number;
}

const PREFIX = 'mlmd:';

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(`${PREFIX}${JSON.stringify([position.createdAt, position.id])}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (text.startsWith(PREFIX)) {
    try {
      const value: unknown = JSON.parse(text.slice(PREFIX.length));
      if (Array.isArray(value) && value.length === 2 && value.every((n) => Number.isSafeInteger(n))) {
        return { createdAt: value[0] as number, id: value[1] as number };
      }
    } catch {
      // fall through to the error below
    }
  }
  throw new InvalidInputError('the cursor is not one this listing returned', 'after');
}
