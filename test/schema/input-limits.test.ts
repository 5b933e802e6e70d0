import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLResolveInfo,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildKfpSchema } from '../../resolvers/build-schema.js';
import { loadConfig } from '../../src/config/config.js';
import { InvalidInputError } from '../../src/errors/domain-errors.js';
import type { RequestContext } from '../../src/server/request-context.js';

/**
 * Issue 8 §4: every String and ID argument and input field of the served schema, at any depth, has a length
 * limit, and every JSON input a depth and string limit, enforced before any resolver runs. The test walks the
 * schema, so a new argument or input field is covered (or this test fails) without anyone listing it.
 */
const config = loadConfig({}, []);
const ctx = { app: { config } } as unknown as RequestContext;
const schema = buildKfpSchema();

const TEXT = new Set(['String', 'ID', 'federation__FieldSet', 'link__Import', 'federation__Scope', 'federation__Policy']);
const JSON_SCALARS = new Set(['JSONObject', 'JSON', '_Any']);
const NOT_TEXT = new Set(['Int', 'Float', 'Boolean', 'DateTime']);
const LONG: Record<string, number> = {
  description: config.MAX_TEXT_LENGTH,
  uriPrefix: config.MAX_TEXT_LENGTH,
  spec: config.MAX_SPEC_BYTES,
  workflowSpec: config.MAX_SPEC_BYTES,
};

interface Position {
  /** `Query.namespace(name)`, `Mutation.createRun(input.name)` */
  readonly coordinate: string;
  readonly field: GraphQLField<unknown, unknown>;
  readonly subscription: boolean;
  /** Builds the arguments with `value` at this position. */
  readonly args: (value: unknown) => Record<string, unknown>;
  readonly path: string;
  readonly kind: 'text' | 'json';
  readonly max: number;
}

const positions: Position[] = [];
/** Every list argument or input field, of any item type: `Query.nodes(ids)`, `….runs(filter.stateIn)`. */
const lists: {
  readonly coordinate: string;
  readonly field: GraphQLField<unknown, unknown>;
  readonly subscription: boolean;
  readonly args: (value: unknown) => Record<string, unknown>;
  readonly path: string;
}[] = [];
const unclassified: string[] = [];

function collect(
  type: GraphQLInputType,
  name: string,
  path: string,
  wrap: (value: unknown) => unknown,
  base: Omit<Position, 'args' | 'path' | 'kind' | 'max' | 'coordinate'> & { readonly prefix: string },
  argName: string,
  depth = 0,
): void {
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    lists.push({
      field: base.field,
      subscription: base.subscription,
      coordinate: `${base.prefix}(${path})`,
      path,
      args: (value) => ({ [argName]: wrap(value) }),
    });
    collect(nullable.ofType as GraphQLInputType, name, `${path}[0]`, (v) => wrap([v]), base, argName, depth);
    return;
  }
  const named = getNamedType(nullable);
  const push = (kind: 'text' | 'json', max: number): void => {
    positions.push({ ...base, coordinate: `${base.prefix}(${path})`, path, kind, max, args: (value) => ({ [argName]: wrap(value) }) });
  };
  if (isScalarType(named) && TEXT.has(named.name)) push('text', LONG[name] ?? config.MAX_STRING_LENGTH);
  else if (isScalarType(named) && JSON_SCALARS.has(named.name)) push('json', config.MAX_TEXT_LENGTH);
  else if (isInputObjectType(named) && depth < 5) {
    for (const field of Object.values(named.getFields())) {
      collect(field.type, field.name, `${path}.${field.name}`, (v) => wrap({ [field.name]: v }), base, argName, depth + 1);
    }
  } else if (!isEnumType(named) && !(isScalarType(named) && NOT_TEXT.has(named.name))) unclassified.push(`${base.prefix}(${path}): ${named.name}`);
}

for (const type of Object.values(schema.getTypeMap())) {
  if (!isObjectType(type) || type.name.startsWith('__')) continue;
  for (const field of Object.values(type.getFields())) {
    for (const arg of field.args) {
      collect(arg.type, arg.name, arg.name, (v) => v, { field, subscription: type.name === 'Subscription', prefix: `${type.name}.${field.name}` }, arg.name);
    }
  }
}

/** Calls the served resolver (or `subscribe`) and returns what it threw or rejected with, if anything. */
async function outcome(position: Position, value: unknown): Promise<unknown> {
  const call = position.subscription ? position.field.subscribe : position.field.resolve;
  if (call === undefined) throw new Error(`${position.coordinate} has no resolver`);
  try {
    await call(undefined, position.args(value), ctx, {} as GraphQLResolveInfo);
    return undefined;
  } catch (error) {
    return error;
  }
}

const isLimitError = (error: unknown): error is InvalidInputError =>
  error instanceof InvalidInputError && ['maxLength', 'maxDepth', 'maxItems'].some((key) => error.details[key] !== undefined);

describe('input limits cover every String, ID and JSON argument and input field', () => {
  it("finds the schema's inputs, every one of a known kind", () => {
    expect(unclassified).toEqual([]);
    // Sanity: the walk reaches root arguments, nested input fields, lists, JSON and subscription arguments.
    const coordinates = positions.map((p) => p.coordinate);
    for (const expected of [
      'Query.namespace(name)',
      'Mutation.createRun(input.workflowSpec)',
      'Mutation.createRun(input.parameters)',
      'Query.nodes(ids[0])',
      'Subscription.runUpdated(namespace)',
      'Query._entities(representations[0])',
    ]) {
      expect(coordinates).toContain(expected);
    }
    expect(coordinates.some((c) => /\.runs\(filter\.nameContains\)$/.test(c))).toBe(true);
    expect(positions.length).toBeGreaterThan(40);
  });

  it.each(positions.map((p) => [p.coordinate, p] as const))(
    '%s: one character over the limit is BAD_USER_INPUT, naming the path, not echoing the value',
    async (_name, position) => {
      const value = position.kind === 'text' ? 'x'.repeat(position.max + 1) : { value: 'x'.repeat(position.max + 1) };
      const error = await outcome(position, value);
      expect(isLimitError(error)).toBe(true);
      const invalid = error as InvalidInputError;
      expect(invalid.details.path).toBe(position.kind === 'text' ? position.path : `${position.path}.value`);
      expect(invalid.message).not.toContain('xxxxxxxxxx');
      expect(invalid.message.length).toBeLessThan(200);
      if (position.kind === 'json') {
        let deep: unknown = 'leaf';
        for (let i = 0; i < config.MAX_JSON_DEPTH + 1; i += 1) deep = { d: deep };
        const nested = await outcome(position, deep);
        expect(isLimitError(nested)).toBe(true);
      }
    },
  );

  it('finds the list inputs, text or not', () => {
    const coordinates = lists.map((l) => l.coordinate);
    expect(coordinates).toContain('Query.nodes(ids)');
    expect(coordinates.some((c) => /\.runs\(filter\.stateIn\)$/.test(c))).toBe(true);
  });

  it.each(lists.map((l) => [l.coordinate, l] as const))('%s: more than MAX_LIST_LENGTH items is refused', async (_name, list) => {
    const call = list.subscription ? list.field.subscribe : list.field.resolve;
    const error = await (async () => {
      try {
        await call?.(undefined, list.args(Array.from({ length: config.MAX_LIST_LENGTH + 1 }, () => 'x')), ctx, {} as GraphQLResolveInfo);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(isLimitError(error)).toBe(true);
    expect((error as InvalidInputError).details.path).toBe(list.path);
  });

  it.each(positions.filter((p) => p.kind === 'text').map((p) => [p.coordinate, p] as const))(
    '%s: a value at the limit passes the check',
    async (_name, position) => {
      const error = await outcome(position, 'x'.repeat(position.max));
      expect(isLimitError(error)).toBe(false);
    },
  );
});
