import { InvalidInputError } from '../errors/domain-errors.js';
import { pathDeeperThan } from './nesting-depth.js';

/**
 * How long a text input may be, by kind. Every String and ID argument and input field of the schema has one
 * (resolvers/input-limit-guard.ts applies them before any resolver, authorizer or database sees the value):
 * unbounded text reaches SQL (`LIKE` over 50,000 bytes is an SQLite error), the authorizer and error messages.
 */
export interface InputLimits {
  /** Names, namespaces, IDs, filters, cron, service accounts, label values: MAX_STRING_LENGTH. */
  readonly maxStringLength: number;
  /** Descriptions, URI prefixes and the strings inside JSON inputs (run parameters): MAX_TEXT_LENGTH. */
  readonly maxTextLength: number;
  /** A pipeline spec or workflow spec: MAX_SPEC_BYTES (its byte size is checked again when parsed). */
  readonly maxSpecLength: number;
  /** Nesting of a JSON input (run parameters, federation representations): MAX_JSON_DEPTH. */
  readonly maxJsonDepth: number;
  /** Items of a list argument or input field (`nodes(ids:)`, `_entities(representations:)`): MAX_LIST_LENGTH. */
  readonly maxListLength: number;
}

export type LimitKind = 'string' | 'text' | 'spec';

/** Fields that carry more than a name, by field name; every other String or ID is a `string`. */
const LONG_FIELDS: ReadonlyMap<string, LimitKind> = new Map([
  ['description', 'text'],
  ['uriPrefix', 'text'],
  ['spec', 'spec'],
  ['workflowSpec', 'spec'],
]);

export function limitKindOf(fieldName: string): LimitKind {
  return LONG_FIELDS.get(fieldName) ?? 'string';
}

export function maxLengthOf(kind: LimitKind, limits: InputLimits): number {
  return kind === 'spec' ? limits.maxSpecLength : kind === 'text' ? limits.maxTextLength : limits.maxStringLength;
}

/** Refuses `value` longer than `max` characters; the message names the path and the sizes, never the value. */
export function requireWithinLength(value: string, path: string, max: number): void {
  if (value.length > max) {
    throw new InvalidInputError(`${path} is ${value.length} characters long; at most ${max} are allowed`, path, { maxLength: max });
  }
}

/** Refuses a list with more than `max` items: each item costs a lookup, and the body limit alone allows ~100,000. */
export function requireListWithinLength(items: readonly unknown[], path: string, max: number): void {
  if (items.length > max) {
    throw new InvalidInputError(`${path} has ${items.length} items; at most ${max} are allowed`, path, { maxItems: max });
  }
}

/** A JSON input: nested at most `maxJsonDepth`, keys at most `maxStringLength`, strings at most `maxTextLength`. */
export function requireJsonWithinLimits(value: unknown, path: string, limits: InputLimits): void {
  const tooDeep = pathDeeperThan(value, limits.maxJsonDepth, path);
  if (tooDeep !== undefined) {
    throw new InvalidInputError(`${path} is nested more than ${limits.maxJsonDepth} levels deep`, tooDeep.slice(0, 200), { maxDepth: limits.maxJsonDepth });
  }
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [current, at] = stack.pop() as [unknown, string];
    if (typeof current === 'string') requireWithinLength(current, at, limits.maxTextLength);
    else if (Array.isArray(current))
      current.forEach((item: unknown, i) => {
        stack.push([item, `${at}[${i}]`]);
      });
    else if (typeof current === 'object' && current !== null) {
      for (const [key, child] of Object.entries(current)) {
        requireWithinLength(key, `${at} key`, limits.maxStringLength);
        stack.push([child, `${at}.${key}`]);
      }
    }
  }
}
