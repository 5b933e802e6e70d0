import 'reflect-metadata';
import { lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSchemaSync } from 'type-graphql';
import { authzDirective } from './authz-directive.js';
import { authzMiddleware } from './authz-middleware.js';
import { resolverClasses } from './index.js';
import { DateTime, JSONObject } from './scalars.js';

let built: GraphQLSchema | undefined;

/** The executable schema: the resolvers, the @authz directive and its enforcing middleware. Built once. */
export function buildKfpSchema(): GraphQLSchema {
  built ??= buildSchemaSync({
    resolvers: resolverClasses,
    globalMiddlewares: [authzMiddleware],
    directives: [authzDirective],
    scalarsMap: [
      { type: Date, scalar: DateTime },
      { type: Object, scalar: JSONObject },
    ],
    orphanedTypes: [],
    validate: false,
  });
  return built;
}

/** The SDL written to schema/schema.graphql: sorted, with every directive application. */
export function printKfpSchema(schema: GraphQLSchema = buildKfpSchema()): string {
  return `${printSchemaWithDirectives(lexicographicSortSchema(schema))}\n`;
}

