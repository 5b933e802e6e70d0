import { getNamedType, isObjectType, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import type { AccessRequest, KfpResource } from '../src/authz/access-request.js';
import { isNamespaced, type AuthzRule, type Namespaced } from '../src/authz/authz-rule.js';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../src/errors/domain-errors.js';
import { fromGlobalId } from '../src/ids/global-id.js';
import type { RequestContext } from '../src/server/request-context.js';
import { loadNode } from './node-lookup.js';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

function ruleOf(extensions: { readonly [key: string]: unknown } | null | undefined): AuthzRule | undefined {
  return (extensions?.authz as AuthzRule | undefined) ?? undefined;
}

/** The rule on the field, else the one on its type. */
export function effectiveRule(info: Pick<GraphQLResolveInfo, 'parentType' | 'fieldName'>): AuthzRule | undefined {
  const field = info.parentType.getFields()[info.fieldName];
  return ruleOf(field?.extensions) ?? ruleOf(info.parentType.extensions);
}

function argumentAt(args: Readonly<Record<string, unknown>>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), args);
}

/** The object type's own read rule (its type-level @authz), used to decide whether a result is visible. */
function readRuleOf(info: GraphQLResolveInfo, typename: string): AuthzRule | undefined {
  const type = info.schema.getType(typename) as GraphQLObjectType | undefined;
  return ruleOf(type?.extensions);
}

/**
 * The namespaces an object may be checked in: its `namespace`, then, for ML-Metadata linked into several
 * tenants' runs (an artifact KFP's cache reused), every other namespace it carries in `namespaces`.
 */
function guardNamespacesOf(value: Namespaced): readonly (string | null)[] {
  const more = (value as { readonly namespaces?: unknown }).namespaces;
  if (!Array.isArray(more)) return [value.namespace];
  return [value.namespace, ...more.filter((n): n is string => typeof n === 'string' && n !== value.namespace)];
}

/** Allowed in any of the object's namespaces; asked one at a time so a single-tenant object costs one decision. */
export async function allowsOnObject(ctx: RequestContext, value: Namespaced, resource: KfpResource, verb: string): Promise<boolean> {
  for (const namespace of guardNamespacesOf(value)) {
    if (await ctx.authz.allows({ namespace, resource, verb })) return true;
  }
  return false;
}

async function requireVisibleResult(ctx: RequestContext, info: GraphQLResolveInfo, value: unknown): Promise<void> {
  if (value === null || value === undefined) return;
  const typename = (value as { readonly __typename?: string }).__typename;
  const rule = typename ? readRuleOf(info, typename) : undefined;
  if (!rule?.resource || !rule.verb || !isNamespaced(value)) throw new Error(`no read rule for ${typename ?? 'an untyped result'}`);
  if (!(await allowsOnObject(ctx, value, rule.resource, rule.verb))) throw new NotFoundError(`${typename} not found`);
}

/** PARENT: the field's rule on the object it belongs to; denied → FORBIDDEN (the field is null). */
async function requireOnParent(ctx: RequestContext, value: Namespaced, resource: KfpResource, verb: string): Promise<void> {
  if (guardNamespacesOf(value).length > 1 && (await allowsOnObject(ctx, value, resource, verb))) return;
  await ctx.authz.require({ namespace: value.namespace, resource, verb });
}

/**
 * A lookup's own "not found" must read exactly like the guard's denial (`<Type> not found`), or the wording
 * would tell a stranger which IDs exist. Lookups of an interface (`node`) already name the ID's type.
 */
function uniformNotFound(info: GraphQLResolveInfo, error: unknown): unknown {
  if (!(error instanceof NotFoundError)) return error;
  const type = getNamedType(info.returnType);
  return isObjectType(type) ? new NotFoundError(`${type.name} not found`) : error;
}

/**
 * A denied verb on a namespace the caller cannot even see must look exactly like a namespace that does not
 * exist; on one it can see, it is FORBIDDEN.
 */
async function denyWithoutLeak(ctx: RequestContext, request: AccessRequest, what: string): Promise<never> {
  const namespace = request.namespace;
  const visible =
    namespace === '' ||
    (namespace !== null && ctx.app.directory.has(namespace) && (await ctx.authz.allows({ namespace, resource: 'experiments', verb: 'list' })));
  if (!visible) throw new NotFoundError(`${what} not found`);
  const where = namespace === '' ? 'on shared pipelines' : `in namespace ${namespace}`;
  throw new ForbiddenError(`${ctx.identity.user} may not ${request.verb} ${request.resource} ${where}`);
}

/**
 * Enforces every @authz rule of the schema (docs/design.md "Authorization"), one middleware for all fields. A field
 * of a root type without a rule is refused: a missing rule is a bug, never an open door.
 */
export const authzMiddleware: MiddlewareFn<RequestContext> = async ({ root, args, context: ctx, info }, next) => {
  const rule = effectiveRule(info);
  if (!rule) {
    if (ROOT_TYPES.has(info.parentType.name)) throw new Error(`field ${info.parentType.name}.${info.fieldName} has no @authz rule`);
    return next();
  }
  switch (rule.target) {
    case 'AUTHENTICATED':
    case 'FILTER':
      return next();
    case 'PARENT': {
      if (!isNamespaced(root)) throw new Error(`${info.parentType.name}.${info.fieldName}: guarded object has no namespace`);
      await requireOnParent(ctx, root, required(rule.resource), required(rule.verb));
      return next();
    }
    case 'RESULT': {
      const result: unknown = await next().catch((error: unknown) => Promise.reject(uniformNotFound(info, error)));
      if (Array.isArray(result)) {
        const visible = await Promise.all(
          result.map((item) =>
            requireVisibleResult(ctx, info, item).then(
              () => true,
              (error) => (error instanceof NotFoundError ? false : Promise.reject(error)),
            ),
          ),
        );
        return result.map((item, i) => (visible[i] ? item : null));
      }
      await requireVisibleResult(ctx, info, result);
      return result;
    }
    case 'ARGUMENT': {
      const value = argumentAt(args, required(rule.argument));
      if (value !== null && value !== undefined && typeof value !== 'string') throw new InvalidInputError(`${rule.argument} must be a string`, rule.argument);
      // A null namespace argument means "shared" (createPipeline): '' is how shared objects are addressed.
      const request: AccessRequest = { namespace: value ?? '', resource: required(rule.resource), verb: required(rule.verb) };
      if (!(await ctx.authz.allows(request))) await denyWithoutLeak(ctx, request, `namespace ${value ?? ''}`);
      return next();
    }
    case 'ID_ARGUMENT': {
      const value = argumentAt(args, required(rule.argument));
      if (typeof value !== 'string') throw new InvalidInputError(`${rule.argument} must be an ID`, rule.argument);
      const decoded = fromGlobalId(value, rule.argument);
      const target = await loadNode(ctx, decoded, rule.argument);
      if (!target) throw new NotFoundError(`${decoded.type} not found`);
      await requireVisibleResult(ctx, info, target);
      await requireOnParent(ctx, target, required(rule.resource), required(rule.verb));
      return next();
    }
  }
};

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('incomplete @authz rule');
  return value;
}
