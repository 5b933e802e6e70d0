import { describe, expect, it } from 'vitest';
import { artifactDownloadUrl, type ArtifactUrlOptions } from '../../src/mlmd/artifact-url.js';
import { presignGetUrl } from '../../src/mlmd/sigv4-presign.js';
import { loadConfig } from '../../src/config/config.js';

describe('presignGetUrl', () => {
  it('reproduces the presigned URL example of the AWS S3 SigV4 documentation', () => {
    const url = presignGetUrl({
      protocol: 'https:',
      host: 'examplebucket.s3.amazonaws.com',
      pathSegments: ['test.txt'],
      region: 'us-east-1',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      expiresSeconds: 86400,
      now: new Date('2013-05-24T00:00:00Z'),
    });
    expect(url).toBe(
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
        '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z' +
        '&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });
});

describe('artifactDownloadUrl', () => {
  const options: ArtifactUrlOptions = {
    endpoint: 'http://minio-service.kubeflow:9000',
    region: 'us-east-1',
    accessKeyId: 'minio',
    secretAccessKey: 'minio123',
    prefixTemplate: 's3://mlpipeline/v2/artifacts/{namespace}/',
    ttlSeconds: 900,
    now: new Date('2024-01-01T00:00:00Z'),
  };

  it("signs a path-style URL on the endpoint for the tenant's s3:// and minio:// artifacts", () => {
    const s3 = artifactDownloadUrl('s3://mlpipeline/v2/artifacts/team-a/run-1/train/model', 'team-a', options);
    expect(s3.url).toMatch(/^http:\/\/minio-service\.kubeflow:9000\/mlpipeline\/v2\/artifacts\/team-a\/run-1\/train\/model\?X-Amz-Algorithm=AWS4-HMAC-SHA256&/);
    expect(s3.url).toContain('X-Amz-Expires=900');
    expect(s3.url).toMatch(/X-Amz-Signature=[0-9a-f]{64}$/);
    expect(s3).toMatchObject({ expiresAt: new Date('2024-01-01T00:15:00Z') });
    const minio = artifactDownloadUrl('minio://mlpipeline/v2/artifacts/team-a/run-1/train/model', 'team-a', options);
    expect(minio.url).toBe(s3.url);
  });

  it('encodes key characters as SigV4 wants', () => {
    const result = artifactDownloadUrl('s3://mlpipeline/v2/artifacts/team-a/run 1/a+b(1)', 'team-a', options);
    expect(result.url).toContain('/team-a/run%201/a%2Bb%281%29?');
  });

  it.each([
    ['another tenant', 's3://mlpipeline/v2/artifacts/team-b/run-1/model'],
    ['a longer namespace with the same start', 's3://mlpipeline/v2/artifacts/team-ab/run-1/model'],
    ['a .. segment', 's3://mlpipeline/v2/artifacts/team-a/../team-b/model'],
    ['a . segment', 's3://mlpipeline/v2/artifacts/team-a/./model'],
    ['an empty segment', 's3://mlpipeline/v2/artifacts/team-a//model'],
    ['a percent-encoded ..', 's3://mlpipeline/v2/artifacts/team-a/%2e%2e/team-b/model'],
    ['a percent-encoded slash', 's3://mlpipeline/v2/artifacts/team-a%2F..%2Fteam-b/model'],
    ['a backslash', 's3://mlpipeline/v2/artifacts/team-a/..\\team-b/model'],
    ['a query string', 's3://mlpipeline/v2/artifacts/team-a/model?versionId=1'],
    ['another scheme', 'gs://mlpipeline/v2/artifacts/team-a/model'],
    ['a local path', '/minio/mlpipeline/v2/artifacts/team-a/model'],
    ['the prefix itself', 's3://mlpipeline/v2/artifacts/team-a/'],
    ['a different bucket', 's3://other/v2/artifacts/team-a/model'],
  ])('refuses %s', (_, uri) => {
    const result = artifactDownloadUrl(uri, 'team-a', options);
    expect(result.url).toBeNull();
    expect(result).toHaveProperty('reason');
  });

  // KFP >= 2.15: manifests/kustomize/base/installs/multi-user/pipelines-profile-controller/sync.py writes the
  // namespace's defaultPipelineRoot minio://mlpipeline/private-artifacts/{namespace}/v2/artifacts and grants it
  // private-artifacts/{namespace}/* only; the v2 driver adds <pipeline>/<run ID>/<task>/<salt>/<output>
  // (backend/src/v2/metadata/client.go GenerateOutputURI, backend/src/v2/driver/driver.go provisionOutputs).
  it("signs KFP >= 2.15's per-namespace layout with the default template, and only the namespace's own", () => {
    const kfp = { ...options, prefixTemplate: loadConfig({}, []).ARTIFACT_PREFIX_TEMPLATE };
    const v2 = 'minio://mlpipeline/private-artifacts/team-a/v2/artifacts/train/3f2a9c1e-7b4d/trainer/6c1a/model';
    expect(artifactDownloadUrl(v2, 'team-a', kfp).url).toMatch(
      /^http:\/\/minio-service\.kubeflow:9000\/mlpipeline\/private-artifacts\/team-a\/v2\/artifacts\/train\//,
    );
    // Argo's own artifacts (logs, v1 outputs) under the profile controller's keyFormat.
    const argo = 's3://mlpipeline/private-artifacts/team-a/train-x7k2p/2026/12/02/train-x7k2p-main-123/main.log';
    expect(artifactDownloadUrl(argo, 'team-a', kfp).url).not.toBeNull();
    expect(artifactDownloadUrl(v2, 'team-b', kfp).url).toBeNull();
    expect(artifactDownloadUrl('minio://mlpipeline/private-artifacts/team-ab/v2/artifacts/x', 'team-a', kfp).url).toBeNull();
    expect(artifactDownloadUrl('minio://mlpipeline/v2/artifacts/train/run/trainer/model', 'team-a', kfp).url).toBeNull();
  });

  // KFP <= 2.14: no namespace in the path (the launcher's built-in root, backend/src/v2/config/env.go).
  it("expresses KFP <= 2.14's shared layout with a template without {namespace}", () => {
    const shared = { ...options, prefixTemplate: 'minio://mlpipeline/v2/artifacts/' };
    const uri = 'minio://mlpipeline/v2/artifacts/train/3f2a9c1e-7b4d/trainer/6c1a/model';
    expect(artifactDownloadUrl(uri, 'team-a', shared).url).toMatch(/\/mlpipeline\/v2\/artifacts\/train\/3f2a9c1e-7b4d\/trainer\/6c1a\/model\?/);
    expect(artifactDownloadUrl('minio://mlpipeline/private-artifacts/team-b/x', 'team-a', shared).url).toBeNull();
    expect(artifactDownloadUrl('minio://mlpipeline/v2/artifacts/../private-artifacts/team-b/x', 'team-a', shared).url).toBeNull();
  });

  it('adds the trailing slash a prefix template forgot', () => {
    const loose = { ...options, prefixTemplate: 's3://mlpipeline/v2/artifacts/{namespace}' };
    expect(artifactDownloadUrl('s3://mlpipeline/v2/artifacts/team-ab/x', 'team-a', loose).url).toBeNull();
    expect(artifactDownloadUrl('s3://mlpipeline/v2/artifacts/team-a/x', 'team-a', loose).url).not.toBeNull();
  });

  it('refuses a namespace that is not a DNS label, and an out-of-range ttl', () => {
    expect(artifactDownloadUrl('s3://mlpipeline/v2/artifacts/a/b/x', 'a/b', options).url).toBeNull();
    expect(artifactDownloadUrl('s3://mlpipeline/v2/artifacts/team-a/x', 'team-a', { ...options, ttlSeconds: 604_801 }).url).toBeNull();
  });
});
