import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { isNamespaced, type AuthzRule } from '../src/authz/authz-rule.js';
import type { RequestContext } from '../src/server/request-context.js';
import { authzMiddleware } from './authz-middleware.js';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

function ruleOf(extensions: { readonly [key: string]: unknown } | null | undefined): AuthzRule | undefined {
  return extensions?.authz as AuthzRule | undefined;
}

/**
 * Puts the @authz check in front of every guarded field of the served schema (and every root field, which
 * fails closed without a rule). A PARENT field whose answer the request already has resolves synchronously,
 * without a promise: on a page of runs, only the first field of each kind waits for a decision (graphql-js's
 * own rule: no promise where none is needed). Everything else goes through `authzMiddleware`.
 * `skip` names fields that enforce their rule themselves (federation's `_entities`, `_service`).
 */
export function guardSchema(schema: GraphQLSchema, skip: (typeName: string, fieldName: string) => boolean = () => false): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (skip(type.name, field.name)) continue;
      const rule = ruleOf(field.extensions) ?? ruleOf(type.extensions);
      if (!rule && !ROOT_TYPES.has(type.name)) continue;
      const resolve: GraphQLFieldResolver<unknown, RequestContext> = field.resolve ?? defaultFieldResolver;
      const fast = rule?.target === 'PARENT' && rule.resource && rule.verb ? { resource: rule.resource, verb: rule.verb } : undefined;
      field.resolve = (root, args: Record<string, unknown>, ctx: RequestContext, info) => {
        if (fast && isNamespaced(root) && ctx.authz.decided({ namespace: root.namespace, ...fast }) === true) {
          return resolve(root, args, ctx, info);
        }
        return authzMiddleware({ root, args, context: ctx, info }, async () => resolve(root, args, ctx, info));
      };
    }
  }
  return schema;
}
