import { InvalidInputError } from '../src/errors/domain-errors.js';
import type { Page } from '../src/store/keyset-page.js';
import type { PageRequest } from '../src/store/page-request.js';

const encode = (name: string) => Buffer.from(`ns:${name}`, 'utf8').toString('base64url');

function decode(cursor: string, argument: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('ns:')) throw new InvalidInputError(`${argument}: not a cursor this API issued`, argument);
  return text.slice(3);
}

/** Keyset paging over the in-memory, sorted list of visible namespace names (the cursor is the name). */
export function namespacePage(sortedNames: readonly string[], request: PageRequest): Page<string> {
  const argument = request.backward ? 'before' : 'after';
  const from = request.cursor === null ? null : decode(request.cursor, argument);
  const items = request.backward ? sortedNames.filter((n) => from === null || n < from) : sortedNames.filter((n) => from === null || n > from);
  const slice = request.backward ? items.slice(Math.max(0, items.length - request.size)) : items.slice(0, request.size);
  const more = items.length > slice.length;
  return {
    items: slice,
    hasNextPage: request.backward ? from !== null : more,
    hasPreviousPage: request.backward ? more : from !== null,
    startCursor: slice[0] === undefined ? null : encode(slice[0]),
    endCursor: slice.at(-1) === undefined ? null : encode(slice.at(-1) as string),
    cursorOf: encode,
  };
}
