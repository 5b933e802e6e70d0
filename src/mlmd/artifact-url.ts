import { presignGetUrl } from './sigv4-presign.js';

/**
 * Presigned download URLs for artifacts, handed to a tenant only for objects under that tenant's prefix.
 * KFP >= 2.15's profile controller gives each namespace the pipeline root
 * `minio://mlpipeline/private-artifacts/{namespace}/v2/artifacts` and an Argo keyFormat under
 * `private-artifacts/{namespace}/`, and grants the namespace exactly `private-artifacts/{namespace}/*` in MinIO
 * (KFP: manifests/kustomize/base/installs/multi-user/pipelines-profile-controller/sync.py). KFP <= 2.14 used the
 * launcher's built-in root `minio://mlpipeline/v2/artifacts` for every namespace (backend/src/v2/config/env.go),
 * which a template without `{namespace}` expresses. `minio://` is how KFP's launcher spells the in-cluster
 * MinIO, an S3 endpoint.
 */
export interface ArtifactUrlOptions {
  /** The S3/MinIO endpoint, e.g. `http://minio-service.kubeflow:9000`; URLs are path-style, as MinIO needs. */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** `{namespace}` is replaced by the tenant's namespace, e.g. `minio://mlpipeline/private-artifacts/{namespace}/`. */
  readonly prefixTemplate: string;
  readonly ttlSeconds: number;
  readonly now?: Date;
}

export type ArtifactUrl = { readonly url: string; readonly expiresAt: Date } | { readonly url: null; readonly reason: string };

/** Kubernetes namespace names are DNS labels (RFC 1123): nothing in them can escape a path segment. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** SigV4 caps a presigned URL's lifetime at seven days. */
const MAX_TTL_SECONDS = 604_800;

const refuse = (reason: string): ArtifactUrl => ({ url: null, reason });

/**
 * The URI is compared as text with the tenant's prefix, so anything a storage server or proxy could read
 * differently from its text is refused first: percent-escapes, backslashes, control characters, and `.`, `..`
 * or empty path segments (`s3://b/v2/artifacts/a/../b/x` starts with a's prefix but names b's object).
 */
export function artifactDownloadUrl(uri: string, namespace: string, options: ArtifactUrlOptions): ArtifactUrl {
  if (!NAMESPACE.test(namespace)) return refuse('the namespace is not a valid Kubernetes namespace name');
  if (!Number.isSafeInteger(options.ttlSeconds) || options.ttlSeconds < 1 || options.ttlSeconds > MAX_TTL_SECONDS) {
    return refuse(`ttlSeconds must be from 1 to ${MAX_TTL_SECONDS}`);
  }
  const scheme = /^(s3|minio):\/\//.exec(uri);
  if (scheme === null) return refuse('only s3:// and minio:// artifacts can be downloaded');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses.
  if (/[%\\?#\u0000-\u001f\u007f]/.test(uri)) return refuse('the artifact URI contains escapes or characters that are not allowed');
  const normalized = `s3://${uri.slice(scheme[0].length)}`;
  const rest = normalized.slice('s3://'.length);
  const segments = rest.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return refuse('the artifact URI has empty, . or .. path segments');
  if (segments.length < 2) return refuse('the artifact URI names a bucket but no object');

  let prefix = options.prefixTemplate
    .split('{namespace}')
    .join(namespace)
    .replace(/^minio:\/\//, 's3://');
  // A prefix without its trailing slash would let team-a read team-ab's objects.
  if (!prefix.endsWith('/')) prefix = `${prefix}/`;
  if (!normalized.startsWith(prefix)) return refuse(`the artifact is not under the namespace's prefix ${prefix}`);

  let endpoint: URL;
  try {
    endpoint = new URL(options.endpoint);
  } catch {
    return refuse('the object store endpoint is not a URL');
  }
  const now = options.now ?? new Date();
  const url = presignGetUrl({
    protocol: endpoint.protocol,
    host: endpoint.host,
    pathSegments: segments,
    region: options.region,
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    expiresSeconds: options.ttlSeconds,
    now,
  });
  return { url, expiresAt: new Date(now.getTime() + options.ttlSeconds * 1000) };
}
