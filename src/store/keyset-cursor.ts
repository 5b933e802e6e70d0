import { InvalidInputError } from '../errors/domain-errors.js';

/**
 * A cursor is the position of a row in its ordering: the sort value and the id that breaks ties. It is opaque
 * to clients (base64url JSON) and validated on the way back in, so a forged cursor is a clear input error.
 */
export type SortValue = string | number;

export interface CursorPosition {
  readonly value: SortValue;
  readonly id: string | number;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.value, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, argument: string): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidInputError(`${argument}: not a cursor this API issued`, argument);
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || !['string', 'number'].includes(typeof parsed[0]) || !['string', 'number'].includes(typeof parsed[1])) {
    throw new InvalidInputError(`${argument}: not a cursor this API issued`, argument);
  }
  return { value: parsed[0] as SortValue, id: parsed[1] as string | number };
}
