import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { artifactDownloadUrl, type ArtifactUrl } from '../src/mlmd/artifact-url.js';
import type { RequestContext } from '../src/server/request-context.js';
import { Artifact } from './artifact.js';
import { Authz } from './authz-directive.js';
import { DateTime } from './scalars.js';

const NONE: ArtifactUrl = { url: null, reason: 'not available' };

/**
 * One presigned URL per artifact object and request: `downloadUrl` and `downloadUrlExpiresAt` come from the
 * same signature (a second signing a millisecond later would expire at another time).
 */
const signed = new WeakMap<Artifact, ArtifactUrl>();

function presign(artifact: Artifact, ctx: RequestContext): ArtifactUrl {
  let result = signed.get(artifact);
  if (result) return result;
  const { ARTIFACT_S3_ENDPOINT: endpoint, ARTIFACT_S3_ACCESS_KEY_ID: accessKeyId, ARTIFACT_S3_SECRET_ACCESS_KEY: secretAccessKey } = ctx.app.config;
  // No credentials configured, no URI, or metadata no tenant claims (cluster admins only): nothing to sign for.
  if (!endpoint || !accessKeyId || !secretAccessKey || !artifact.uri || !artifact.namespace) {
    result = NONE;
  } else {
    result = artifactDownloadUrl(artifact.uri, artifact.namespace, {
      endpoint,
      region: ctx.app.config.ARTIFACT_S3_REGION,
      accessKeyId,
      secretAccessKey,
      prefixTemplate: ctx.app.config.ARTIFACT_PREFIX_TEMPLATE,
      ttlSeconds: ctx.app.config.ARTIFACT_URL_TTL_SECONDS,
      now: new Date(ctx.app.now()),
    });
  }
  signed.set(artifact, result);
  return result;
}

/**
 * Artifact content (docs/design.md "Authorization": `readArtifact` on runs in the artifact's namespace): a presigned
 * GET for `s3://`/`minio://` URIs under the tenant's configured prefix (ARTIFACT_PREFIX_TEMPLATE), else null.
 */
@Resolver(() => Artifact)
export class ArtifactDownloadResolver {
  @Authz({ resource: 'runs', verb: 'readArtifact', target: 'PARENT' })
  @FieldResolver(() => String, {
    nullable: true,
    description:
      "A presigned URL to download the artifact's content; null when no object-store credentials are configured or the URI is outside the namespace's artifact prefix.",
  })
  downloadUrl(@Root() artifact: Artifact, @Ctx() ctx: RequestContext): string | null {
    return presign(artifact, ctx).url;
  }

  @Authz({ resource: 'runs', verb: 'readArtifact', target: 'PARENT' })
  @FieldResolver(() => DateTime, { nullable: true, description: 'When downloadUrl stops working (ARTIFACT_URL_TTL_SECONDS after it was signed).' })
  downloadUrlExpiresAt(@Root() artifact: Artifact, @Ctx() ctx: RequestContext): Date | null {
    const result = presign(artifact, ctx);
    return result.url === null ? null : result.expiresAt;
  }
}
