import type { MetadataScope } from './metadata-scope.js';

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** KFP's launcher spells the in-cluster MinIO `minio://`; it is the same S3 store as `s3://`. */
const normalize = (uri: string): string => uri.replace(/^minio:\/\//, 's3://');

/**
 * The namespace whose artifact prefix (`ARTIFACT_PREFIX_TEMPLATE`, e.g. `s3://mlpipeline/v2/artifacts/{namespace}/`)
 * holds `uri`, or undefined when the URI is under no tenant's prefix.
 */
export function namespaceOfArtifactUri(uri: string, prefixTemplate: string): string | undefined {
  const [before = '', after = ''] = normalize(prefixTemplate).split('{namespace}');
  const text = normalize(uri);
  if (!text.startsWith(before)) return undefined;
  const rest = text.slice(before.length);
  const end = after === '' ? rest.length : rest.indexOf(after.charAt(0));
  const candidate = end === -1 ? rest : rest.slice(0, end);
  return NAMESPACE.test(candidate) ? candidate : undefined;
}

/**
 * The URI a caller may see. KFP's cache links one artifact into several tenants' runs, so a tenant can see an
 * artifact another tenant's run wrote, whose URI names that tenant's namespace (and run): that URI is hidden
 * (null) unless the caller may see that namespace. The artifact's data was never readable (no download URL
 * outside the caller's own prefix, src/mlmd/artifact-url.ts); this keeps the other tenant's name out too.
 */
export function visibleArtifactUri(uri: string | null, prefixTemplate: string, scope: MetadataScope): string | null {
  if (uri === null) return null;
  const owner = namespaceOfArtifactUri(uri, prefixTemplate);
  if (owner === undefined || scope.kind === 'cluster' || scope.namespaces.includes(owner)) return uri;
  return null;
}
