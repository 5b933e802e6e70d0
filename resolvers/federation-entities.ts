import type { GraphQLFieldResolver, GraphQLObjectType, GraphQLSchema } from 'graphql';
import type { AuthzRule } from '../src/authz/authz-rule.js';
import { NotFoundError } from '../src/errors/domain-errors.js';
import { fromGlobalId, type NodeType } from '../src/ids/global-id.js';
import { allowsOnObject } from './authz-middleware.js';
import type { RequestContext } from '../src/server/request-context.js';
import { loadNode, type NodeObject } from './node-lookup.js';

/** The entity types of the subgraph and the field of their @key (docs/design.md "GraphQL conventions"). */
export const ENTITY_KEYS = {
  Namespace: 'name',
  Experiment: 'id',
  Run: 'id',
  Artifact: 'id',
  Execution: 'id',
} as const satisfies Partial<Record<NodeType, 'id' | 'name'>>;

export type EntityTypeName = keyof typeof ENTITY_KEYS;

export function isEntityTypeName(name: unknown): name is EntityTypeName {
  return typeof name === 'string' && Object.hasOwn(ENTITY_KEYS, name);
}

type Representation = Readonly<Record<string, unknown>>;

/**
 * Resolves one entity representation exactly as `node(id:)` resolves an ID: loaded through the request's
 * loaders (`loadNode`), then checked with its type's own read rule (the type-level @authz). Missing, of another
 * type than the representation claims, or invisible → NOT_FOUND, so a gateway gives a stranger nothing `node`
 * would not give them.
 */
export async function resolveEntity(schema: GraphQLSchema, typename: EntityTypeName, reference: Representation, ctx: RequestContext): Promise<NodeObject> {
  const keyField = ENTITY_KEYS[typename];
  const key = reference[keyField];
  if (typeof key !== 'string' || key.length === 0) throw new NotFoundError(`${typename} not found`);
  const target = keyField === 'name' ? { type: typename, id: key } : fromGlobalId(key, `representations.${keyField}`);
  if (target.type !== typename) throw new NotFoundError(`${typename} not found`);
  const node = await loadNode(ctx, target, `representations.${keyField}`);
  if (!node || node.__typename !== typename) throw new NotFoundError(`${typename} not found`);
  const rule = (schema.getType(typename) as GraphQLObjectType | undefined)?.extensions?.authz as AuthzRule | undefined;
  // A type without a complete read rule is a bug; refuse rather than answer unchecked.
  if (!rule?.resource || !rule.verb) throw new Error(`entity type ${typename} has no read rule`);
  // Checked in any of the object's namespaces, exactly as node(id:) does (metadata can belong to two tenants).
  if (!(await allowsOnObject(ctx, node, rule.resource, rule.verb))) throw new NotFoundError(`${typename} not found`);
  return node;
}

/** `__resolveReference` for each entity type, for buildSubgraphSchema's resolver map. */
export function referenceResolvers(
  schema: () => GraphQLSchema,
): Record<EntityTypeName, { __resolveReference: (reference: Representation, ctx: RequestContext) => Promise<NodeObject> }> {
  const entries = (Object.keys(ENTITY_KEYS) as EntityTypeName[]).map((typename) => [
    typename,
    { __resolveReference: (reference: Representation, ctx: RequestContext) => resolveEntity(schema(), typename, reference, ctx) },
  ]);
  return Object.fromEntries(entries) as Record<EntityTypeName, { __resolveReference: (reference: Representation, ctx: RequestContext) => Promise<NodeObject> }>;
}

/**
 * Replaces Apollo's `_entities` resolver. Apollo's hands back the representation itself for any object type that
 * has no `__resolveReference` (a forged `{__typename: "PipelineVersion", namespace: "mine", localId: "theirs"}`
 * would become the parent of field resolvers); here only the five entity types resolve, each through the
 * `node` path, and every other representation is NOT_FOUND. Each item fails on its own: null plus an error.
 */
export function entitiesResolver(schema: () => GraphQLSchema): GraphQLFieldResolver<unknown, RequestContext, { representations: readonly unknown[] }> {
  return (_source, { representations }, ctx) =>
    representations.map(async (reference) => {
      const typename = typeof reference === 'object' && reference !== null ? (reference as Representation).__typename : undefined;
      if (!isEntityTypeName(typename)) throw new NotFoundError(`${typeof typename === 'string' ? typename.slice(0, 80) : 'entity'} not found`);
      return resolveEntity(schema(), typename, reference as Representation, ctx);
    });
}
