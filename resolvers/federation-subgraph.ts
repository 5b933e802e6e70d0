import { buildSubgraphSchema } from '@apollo/subgraph';
import { isInterfaceType, isObjectType, parse, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { createResolversMap } from 'type-graphql';
import { ENTITY_KEYS, entitiesResolver, referenceResolvers, type EntityTypeName } from './federation-entities.js';

/**
 * Federation v2: the spec version linked and what is imported from it. `@authz` stays our own directive (printed
 * in `_service.sdl`); Apollo's `@authenticated`/`@requiresScopes` are not used (and @apollo/gateway refuses them).
 */
export const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

type SubgraphResolvers = Extract<Parameters<typeof buildSubgraphSchema>[0], { readonly typeDefs: unknown }>['resolvers'];
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The type-graphql schema's `extensions` carry the @authz rules the middleware enforces; a schema rebuilt from SDL
 * has none, so they are copied onto every type and field of the same name (a missing rule would make a guarded
 * field look unguarded).
 */
function copyExtensions(from: GraphQLSchema, to: GraphQLSchema): void {
  for (const [name, source] of Object.entries(from.getTypeMap())) {
    if (name.startsWith('__') || !(isObjectType(source) || isInterfaceType(source))) continue;
    const target = to.getType(name);
    if (!target || !(isObjectType(target) || isInterfaceType(target))) throw new Error(`subgraph schema lost type ${name}`);
    (target as Mutable<typeof target>).extensions = { ...target.extensions, ...source.extensions };
    const targetFields = target.getFields();
    for (const [fieldName, field] of Object.entries(source.getFields())) {
      const targetField = targetFields[fieldName];
      if (!targetField) throw new Error(`subgraph schema lost field ${name}.${fieldName}`);
      targetField.extensions = { ...targetField.extensions, ...field.extensions };
    }
  }
}

function checkKeys(base: GraphQLSchema): void {
  for (const [typename, key] of Object.entries(ENTITY_KEYS)) {
    const type = base.getType(typename);
    const applied = type?.astNode?.directives?.some((d) => d.name.value === 'key') ?? false;
    if (!isObjectType(type) || !applied || !type.getFields()[key]) throw new Error(`entity ${typename} needs @key(fields: "${key}")`);
  }
}

/**
 * The executable Federation v2 subgraph built from the type-graphql schema: its SDL (with @authz and @key) plus
 * type-graphql's own middleware-wrapped resolvers (`createResolversMap`), so @authz runs on every field exactly as
 * in the plain schema; `__resolveReference` for the five entity types and a strict `_entities` (see
 * federation-entities.ts).
 */
export function toSubgraphSchema(base: GraphQLSchema): GraphQLSchema {
  checkKeys(base);
  const typeDefs = parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(base)}`);
  const resolvers = createResolversMap(base) as unknown as Record<string, Record<string, unknown>>;
  let subgraph: GraphQLSchema | undefined;
  const self = (): GraphQLSchema => {
    if (!subgraph) throw new Error('subgraph schema used before it was built');
    return subgraph;
  };
  for (const [typename, reference] of Object.entries(referenceResolvers(self)) as [EntityTypeName, Record<string, unknown>][]) {
    resolvers[typename] = { ...resolvers[typename], ...reference };
  }
  subgraph = buildSubgraphSchema({ typeDefs, resolvers: resolvers as SubgraphResolvers });
  copyExtensions(base, subgraph);
  const entities = subgraph.getQueryType()?.getFields()._entities;
  if (!entities) throw new Error('the subgraph has no _entities field');
  entities.resolve = entitiesResolver(self) as GraphQLFieldResolver<unknown, unknown>;
  // Not enforced by the @authz middleware (these resolvers are Apollo's/ours, not type-graphql's) but recorded
  // like every root field's rule: `_entities` checks each result like `node` (RESULT); `_service` only needs an
  // identity, which the HTTP layer settled before GraphQL ran.
  entities.extensions = { ...entities.extensions, authz: { target: 'RESULT' } };
  const service = subgraph.getQueryType()?.getFields()._service;
  if (service) service.extensions = { ...service.extensions, authz: { target: 'AUTHENTICATED' } };
  return subgraph;
}
