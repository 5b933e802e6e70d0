import type { TrustedDocuments } from './trusted-documents.js';

export type TrustedRequest = { readonly ok: true; readonly body: unknown; readonly search: string } | { readonly ok: false; readonly message: string };

function parseJsonParam(value: string | null): unknown {
  if (value === null) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Rewrites a GraphQL-over-HTTP request so that Apollo sees the trusted document's text as `query` (and no
 * persisted-query extension, which Apollo would otherwise try to look up itself), or says why it is refused.
 * POST carries the fields in the JSON body, GET in the query string.
 */
export function toTrustedRequest(documents: TrustedDocuments, body: unknown, url: URL): TrustedRequest {
  if (body !== undefined) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: 'the request body must be a JSON object' };
    const { documentId: _id, extensions, ...rest } = body as Record<string, unknown>;
    const resolved = documents.resolve(body as Record<string, unknown>);
    if (!resolved.ok) return resolved;
    const { persistedQuery: _pq, ...otherExtensions } = (extensions ?? {}) as Record<string, unknown>;
    return { ok: true, body: { ...rest, query: resolved.query, extensions: otherExtensions }, search: url.search };
  }
  const params = new URLSearchParams(url.search);
  const resolved = documents.resolve({
    documentId: params.get('documentId') ?? undefined,
    query: params.get('query') ?? undefined,
    extensions: parseJsonParam(params.get('extensions')),
  });
  if (!resolved.ok) return resolved;
  params.delete('documentId');
  params.delete('extensions');
  params.set('query', resolved.query);
  return { ok: true, body: undefined, search: `?${params.toString()}` };
}
