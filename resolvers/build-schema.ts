import 'reflect-metadata';
import { lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSchemaSync } from 'type-graphql';
import { authzDirective } from './authz-directive.js';
import { guardSchema } from './authz-guard.js';
import { guardWrites } from './write-guard.js';
import { limitInputs } from './input-limit-guard.js';
import { spreadTypeRules } from './authz-spread.js';
import { toSubgraphSchema } from './federation-subgraph.js';
import { resolverClasses } from './index.js';
import { unusedPubSub } from './run-subscription.js';
import { DateTime, JSONObject } from './scalars.js';

let built: GraphQLSchema | undefined;

/** The type-graphql schema: the resolvers and the @authz directive (enforced by guardSchema below). */
function buildResolverSchema(): GraphQLSchema {
  return buildSchemaSync({
    resolvers: resolverClasses,
    directives: [authzDirective],
    scalarsMap: [
      { type: Date, scalar: DateTime },
      { type: Object, scalar: JSONObject },
    ],
    orphanedTypes: [],
    pubSub: unusedPubSub,
    validate: false,
  });
}

/**
 * The executable schema the server serves: the resolver schema as a Federation v2 subgraph (`_service`,
 * `_entities` authorized like `node`; resolvers/federation-subgraph.ts), every guarded field behind @authz
 * (resolvers/authz-guard.ts), and before that every text argument within its length limit
 * (resolvers/input-limit-guard.ts). Built once.
 */
export function buildKfpSchema(): GraphQLSchema {
  // Federation's own root fields enforce their rules themselves (resolvers/federation-entities.ts).
  built ??= limitInputs(
    guardSchema(
      guardWrites(toSubgraphSchema(spreadTypeRules(buildResolverSchema()))),
      (type, field) => type === 'Query' && (field === '_entities' || field === '_service'),
    ),
  );
  return built;
}

/** The SDL written to schema/schema.graphql: sorted, with every directive application. */
export function printKfpSchema(schema: GraphQLSchema = buildKfpSchema()): string {
  return `${printSchemaWithDirectives(lexicographicSortSchema(schema))}\n`;
}
