import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { Config } from '../src/config/config.js';
import type { RequestContext } from '../src/server/request-context.js';
import {
  limitKindOf,
  maxLengthOf,
  requireJsonWithinLimits,
  requireListWithinLength,
  requireWithinLength,
  type InputLimits,
  type LimitKind,
} from '../src/validation/input-limits.js';

/** How one input position is checked: a text of a kind, JSON, a list of something, or an input object's fields. */
type Check =
  | { readonly kind: 'text'; readonly limit: LimitKind }
  | { readonly kind: 'json' }
  | { readonly kind: 'list'; readonly item: Check | undefined }
  | { readonly kind: 'object'; readonly fields: ReadonlyMap<string, Check> };

/** Scalars whose values are text: graphql's own and the federation scalars that carry strings. */
const TEXT_SCALARS: ReadonlySet<string> = new Set(['String', 'ID', 'federation__FieldSet', 'link__Import', 'federation__Scope', 'federation__Policy']);
/** Scalars whose values are arbitrary JSON (graphql-scalars' JSONObject/JSON, federation's `_Any`). */
const JSON_SCALARS: ReadonlySet<string> = new Set(['JSONObject', 'JSON', '_Any']);

const limitsByConfig = new WeakMap<Config, InputLimits>();
function limitsOf(config: Config): InputLimits {
  let limits = limitsByConfig.get(config);
  if (limits === undefined) {
    limits = {
      maxStringLength: config.MAX_STRING_LENGTH,
      maxTextLength: config.MAX_TEXT_LENGTH,
      maxSpecLength: config.MAX_SPEC_BYTES,
      maxJsonDepth: config.MAX_JSON_DEPTH,
      maxListLength: config.MAX_LIST_LENGTH,
    };
    limitsByConfig.set(config, limits);
  }
  return limits;
}

/**
 * The check for a value of `type` at a position called `name`, or undefined when nothing in it is text or a list
 * (Int, Boolean, enums, DateTime). `seen` stops recursive input types (none today) from looping.
 */
function checkOf(type: GraphQLInputType, name: string, seen: ReadonlyMap<string, Check | undefined> = new Map()): Check | undefined {
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    // Every list is bounded, of text or not: `stateIn` with 100,000 enum values would be an SQL IN list over
    // SQLite's 32,766 bound parameters.
    return { kind: 'list', item: checkOf(nullable.ofType as GraphQLInputType, name, seen) };
  }
  const named = getNamedType(nullable);
  if (isScalarType(named)) {
    if (TEXT_SCALARS.has(named.name)) return { kind: 'text', limit: limitKindOf(name) };
    if (JSON_SCALARS.has(named.name)) return { kind: 'json' };
    return undefined;
  }
  if (!isInputObjectType(named)) return undefined;
  if (seen.has(named.name)) return seen.get(named.name);
  const fields = new Map<string, Check>();
  const object: Check = { kind: 'object', fields };
  const nextSeen = new Map(seen).set(named.name, object);
  for (const field of Object.values(named.getFields())) {
    const check = checkOf(field.type, field.name, nextSeen);
    if (check !== undefined) fields.set(field.name, check);
  }
  return fields.size === 0 ? undefined : object;
}

function apply(check: Check, value: unknown, path: string, limits: InputLimits): void {
  if (value === null || value === undefined) return;
  switch (check.kind) {
    case 'text':
      if (typeof value === 'string') requireWithinLength(value, path, maxLengthOf(check.limit, limits));
      return;
    case 'json':
      requireJsonWithinLimits(value, path, limits);
      return;
    case 'list':
      if (Array.isArray(value)) {
        requireListWithinLength(value, path, limits.maxListLength);
        const { item } = check;
        if (item !== undefined)
          value.forEach((element: unknown, index) => {
            apply(item, element, `${path}[${index}]`, limits);
          });
      } else if (check.item !== undefined) apply(check.item, value, path, limits);
      return;
    case 'object':
      if (typeof value !== 'object') return;
      for (const [name, fieldCheck] of check.fields) apply(fieldCheck, (value as Record<string, unknown>)[name], `${path}.${name}`, limits);
      return;
  }
}

/** Every argument of a field that holds text or a list, with its check; empty when there is none. */
export function argumentChecks(args: readonly GraphQLArgument[]): ReadonlyMap<string, Check> {
  const checks = new Map<string, Check>();
  for (const arg of args) {
    const check = checkOf(arg.type, arg.name);
    if (check !== undefined) checks.set(arg.name, check);
  }
  return checks;
}

/**
 * Puts the input limits (src/validation/input-limits.ts) in front of every field of the served schema that takes
 * a String, ID, JSON or list argument, at any depth of its input objects, including subscriptions' `subscribe`. Applied
 * last, so it runs first: an oversized value is BAD_USER_INPUT before the authorizer, a loader or SQL sees it,
 * and the same for every caller. The check is synchronous and adds no promise.
 */
export function limitInputs(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const checks = argumentChecks(field.args);
      if (checks.size === 0) continue;
      const enforce = (args: Record<string, unknown>, ctx: RequestContext): void => {
        const limits = limitsOf(ctx.app.config);
        for (const [name, check] of checks) apply(check, args[name], name, limits);
      };
      const { subscribe } = field;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (root, args: Record<string, unknown>, ctx: RequestContext, info) => {
        enforce(args, ctx);
        return resolve(root, args, ctx, info);
      };
      if (subscribe !== undefined) {
        field.subscribe = (root, args: Record<string, unknown>, ctx: RequestContext, info) => {
          enforce(args, ctx);
          return subscribe(root, args, ctx, info);
        };
      }
    }
  }
  return schema;
}
