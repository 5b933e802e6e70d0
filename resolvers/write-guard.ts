import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { RequestContext } from '../src/server/request-context.js';

/**
 * The create mutations call `ctx.writes.beginWrite()` themselves, after validating their input and before their
 * first write (src/idempotency, RunService.create), so that a deadline passing during validation is still a
 * clean 503.
 */
const SELF_GUARDED = new Set(['createRun', 'createRecurringRun', 'createExperiment', 'createPipeline', 'createPipelineVersion']);

/**
 * Every other mutation begins writing as soon as it runs (after its @authz check): past the request deadline it
 * does nothing and answers UNAVAILABLE; once started, the HTTP layer waits for its real outcome
 * (src/app/write-guard.ts). Applied inside guardSchema, so authorization still comes first.
 */
export function guardWrites(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  if (!mutation) return schema;
  for (const field of Object.values(mutation.getFields())) {
    if (SELF_GUARDED.has(field.name)) continue;
    const resolve: GraphQLFieldResolver<unknown, RequestContext> = field.resolve ?? defaultFieldResolver;
    field.resolve = (root, args: Record<string, unknown>, ctx: RequestContext, info) => {
      ctx.writes.beginWrite();
      return resolve(root, args, ctx, info);
    };
  }
  return schema;
}
