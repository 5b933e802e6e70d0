import { GraphQLObjectType, GraphQLSchema, GraphQLString, isObjectType, Kind, parse, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { AppServices } from '../../src/app/app-services.js';
import type { AccessRequest } from '../../src/authz/access-request.js';
import type { AuthzRule } from '../../src/authz/authz-rule.js';
import type { Authorizer } from '../../src/authz/authorizer.js';
import { RequestAuthorizer } from '../../src/authz/request-authorizer.js';
import { ForbiddenError, NotFoundError } from '../../src/errors/domain-errors.js';
import { StaticNamespaceDirectory } from '../../src/kube/namespace-directory.js';
import type { RequestContext } from '../../src/server/request-context.js';
import { authzMiddleware } from '../../resolvers/authz-middleware.js';
import { buildKfpSchema, printKfpSchema } from '../../resolvers/build-schema.js';

const ROOTS = ['Query', 'Mutation', 'Subscription'] as const;
const GUARDED = ['Namespace', 'Experiment', 'Run', 'Artifact', 'Execution', 'Pipeline', 'PipelineVersion', 'RecurringRun'] as const;
const TARGETS = new Set(['PARENT', 'ARGUMENT', 'ID_ARGUMENT', 'RESULT', 'FILTER', 'AUTHENTICATED']);

function ruleOf(extensions: { readonly [key: string]: unknown } | null | undefined): AuthzRule | undefined {
  return extensions?.authz as AuthzRule | undefined;
}

/** A rule the middleware can enforce: a known target, and the resource/verb/argument that target needs. */
function checkRule(where: string, rule: AuthzRule | undefined): string[] {
  if (!rule) return [`${where}: no @authz rule`];
  const problems: string[] = [];
  if (!TARGETS.has(rule.target)) problems.push(`${where}: unknown target ${String(rule.target)}`);
  if (['PARENT', 'ARGUMENT', 'ID_ARGUMENT', 'FILTER'].includes(rule.target) && (!rule.resource || !rule.verb))
    problems.push(`${where}: ${rule.target} needs resource and verb`);
  if (['ARGUMENT', 'ID_ARGUMENT'].includes(rule.target) && !rule.argument) problems.push(`${where}: ${rule.target} needs an argument path`);
  return problems;
}

describe('every field has a rule', () => {
  const schema = buildKfpSchema();

  it('every field of Query, Mutation and Subscription carries its own authz extension', () => {
    const problems: string[] = [];
    let fields = 0;
    for (const name of ROOTS) {
      const type = schema.getType(name);
      if (!type) continue;
      if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
      for (const field of Object.values(type.getFields())) {
        fields += 1;
        problems.push(...checkRule(`${name}.${field.name}`, ruleOf(field.extensions)));
      }
    }
    expect(problems).toEqual([]);
    expect(fields).toBeGreaterThan(20);
  });

  it.each(GUARDED)("every field of %s has an effective rule (its own or the type's) with a resource and verb", (name) => {
    const type = schema.getType(name);
    expect(isObjectType(type)).toBe(true);
    const object = type as GraphQLObjectType;
    expect(ruleOf(object.extensions), `${name} needs a type-level rule`).toBeDefined();
    const problems = Object.values(object.getFields()).flatMap((field) => {
      const rule = ruleOf(field.extensions) ?? ruleOf(object.extensions);
      const found = checkRule(`${name}.${field.name}`, rule);
      // Fields of an object are checked against that object: only PARENT makes sense below the root.
      if (rule && rule.target !== 'PARENT') found.push(`${name}.${field.name}: ${rule.target} below the root`);
      return found;
    });
    expect(problems).toEqual([]);
  });

  it('the emitted SDL shows @authz on every guarded type and on every root field', () => {
    const sdl = printKfpSchema(schema);
    const document = parse(sdl);
    expect(document.definitions.some((d) => d.kind === Kind.DIRECTIVE_DEFINITION && d.name.value === 'authz')).toBe(true);
    const objects = new Map(
      document.definitions.flatMap((d) =>
        d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION ? [[d.name.value, d] as const] : [],
      ),
    );
    const hasAuthz = (directives: readonly { readonly name: { readonly value: string } }[] | undefined) =>
      (directives ?? []).some((d) => d.name.value === 'authz');
    for (const name of GUARDED) expect(hasAuthz(objects.get(name)?.directives), `type ${name} @authz in the SDL`).toBe(true);
    const unmarked: string[] = [];
    for (const name of ROOTS) {
      for (const field of objects.get(name)?.fields ?? []) {
        // Federation's own fields are added by @apollo/subgraph; their rules live in extensions (checked above).
        if (field.name.value === '_service' || field.name.value === '_entities') continue;
        if (!hasAuthz(field.directives)) unmarked.push(`${name}.${field.name.value}`);
      }
    }
    expect(unmarked).toEqual([]);
    expect(sdl).toMatch(/type Namespace implements Node @authz\(resource: "experiments", verb: "list", target: PARENT\)/);
  });
});

// ---------- the middleware itself, without a server ----------

function contextWith(
  decide: (request: AccessRequest) => boolean | Promise<boolean>,
  namespaces: readonly string[] = ['alice'],
): { ctx: RequestContext; asked: AccessRequest[] } {
  const asked: AccessRequest[] = [];
  const authorizer: Authorizer = {
    isAllowed: async (_identity, request) => {
      asked.push(request);
      return decide(request);
    },
  };
  const directory = new StaticNamespaceDirectory(namespaces);
  const identity = { user: 'eve@example.com', groups: [], source: 'header' as const };
  const app = { directory, config: loadConfig({}, []) } as unknown as AppServices;
  const ctx = { requestId: 'r', identity, authz: new RequestAuthorizer(identity, authorizer, directory, 'kubeflow'), app } as unknown as RequestContext;
  return { ctx, asked };
}

/** A one-field parent type (and a schema around it) with the given rules, as type-graphql would hand it over. */
function infoFor(parentName: string, fieldRule: AuthzRule | undefined, typeRule?: AuthzRule): GraphQLResolveInfo {
  const parentType = new GraphQLObjectType({
    name: parentName,
    ...(typeRule ? { extensions: { authz: typeRule } } : {}),
    fields: { guarded: { type: GraphQLString, ...(fieldRule ? { extensions: { authz: fieldRule } } : {}) } },
  });
  const schema =
    parentName === 'Query'
      ? new GraphQLSchema({ query: parentType })
      : new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { x: { type: parentType } } }) });
  return { parentType, fieldName: 'guarded', schema, returnType: GraphQLString } as unknown as GraphQLResolveInfo;
}

const call = (
  ctx: RequestContext,
  info: GraphQLResolveInfo,
  root: unknown = {},
  args: Record<string, unknown> = {},
  next = vi.fn(async (): Promise<unknown> => 'resolved'),
) => ({ next, result: authzMiddleware({ root, args, context: ctx, info }, next) });

describe('the @authz middleware fails closed', () => {
  it.each(['Query', 'Mutation', 'Subscription'])('a %s field without a rule is refused and never resolved', async (root) => {
    const { ctx, asked } = contextWith(() => true);
    const { next, result } = call(ctx, infoFor(root, undefined));
    await expect(result).rejects.toThrow(/has no @authz rule/);
    expect(next).not.toHaveBeenCalled();
    expect(asked).toEqual([]);
  });

  it('a PARENT field whose rule is denied is FORBIDDEN and never resolved', async () => {
    const { ctx } = contextWith(() => false);
    const { next, result } = call(ctx, infoFor('Run', undefined, { resource: 'runs', verb: 'get', target: 'PARENT' }), { namespace: 'alice' });
    await expect(result).rejects.toBeInstanceOf(ForbiddenError);
    expect(next).not.toHaveBeenCalled();
  });

  it('a PARENT field on an object without a namespace is refused (no guess)', async () => {
    const { ctx } = contextWith(() => true);
    const { next, result } = call(ctx, infoFor('Run', { resource: 'runs', verb: 'get', target: 'PARENT' }), { name: 'no namespace here' });
    await expect(result).rejects.toThrow(/has no namespace/);
    expect(next).not.toHaveBeenCalled();
  });

  it('an authorizer that throws denies (the request memo turns the error into false)', async () => {
    const { ctx } = contextWith(() => {
      throw new Error('apiserver exploded');
    });
    const { next, result } = call(ctx, infoFor('Run', { resource: 'runs', verb: 'get', target: 'PARENT' }), { namespace: 'alice' });
    await expect(result).rejects.toBeInstanceOf(ForbiddenError);
    expect(next).not.toHaveBeenCalled();
  });

  it('an ARGUMENT rule denied on a namespace the caller cannot see is NOT_FOUND, same as a missing namespace', async () => {
    const { ctx } = contextWith(() => false);
    const rule: AuthzRule = { resource: 'experiments', verb: 'create', target: 'ARGUMENT', argument: 'input.namespace' };
    const hidden = call(ctx, infoFor('Mutation', rule), {}, { input: { namespace: 'alice' } });
    await expect(hidden.result).rejects.toBeInstanceOf(NotFoundError);
    const missing = call(ctx, infoFor('Mutation', rule), {}, { input: { namespace: 'no-such' } });
    await expect(missing.result).rejects.toBeInstanceOf(NotFoundError);
    expect(hidden.next).not.toHaveBeenCalled();
  });

  it('an ARGUMENT rule denied on a namespace the caller can see is FORBIDDEN', async () => {
    const { ctx } = contextWith((r) => r.verb === 'list');
    const { next, result } = call(
      ctx,
      infoFor('Mutation', { resource: 'experiments', verb: 'create', target: 'ARGUMENT', argument: 'input.namespace' }),
      {},
      { input: { namespace: 'alice' } },
    );
    await expect(result).rejects.toBeInstanceOf(ForbiddenError);
    expect(next).not.toHaveBeenCalled();
  });

  it('a rule with a missing resource is refused, not treated as open', async () => {
    const { ctx } = contextWith(() => true);
    const { next, result } = call(ctx, infoFor('Run', { target: 'PARENT' }), { namespace: 'alice' });
    await expect(result).rejects.toThrow(/incomplete @authz rule/);
    expect(next).not.toHaveBeenCalled();
  });

  it('AUTHENTICATED and allowed PARENT fields resolve', async () => {
    const { ctx } = contextWith(() => true);
    await expect(call(ctx, infoFor('Query', { target: 'AUTHENTICATED' })).result).resolves.toBe('resolved');
    await expect(call(ctx, infoFor('Run', { resource: 'runs', verb: 'get', target: 'PARENT' }), { namespace: 'alice' }).result).resolves.toBe('resolved');
  });

  it('a RESULT whose type has no read rule is refused', async () => {
    const { ctx } = contextWith(() => true);
    const next = vi.fn(async (): Promise<unknown> => ({ __typename: 'Query', namespace: 'alice' }));
    await expect(call(ctx, infoFor('Query', { target: 'RESULT' }), {}, {}, next).result).rejects.toThrow(/no read rule/);
  });
});
