import { DateTimeResolver, JSONObjectResolver, JSONResolver } from 'graphql-scalars';

/** ISO-8601 date-times and JSON, from graphql-scalars (docs/design.md "GraphQL conventions"). */
export const DateTime = DateTimeResolver;
export const JSONScalar = JSONResolver;
export const JSONObject = JSONObjectResolver;

/** SQL stores epoch milliseconds; GraphQL shows ISO date-times. */
export function toDate(ms: number | null | undefined): Date | null {
  return ms == null ? null : new Date(ms);
}
