import { isJsonObject } from './workflow-types.js';
import type { Artifact, JsonObject, WorkflowStatus } from './workflow-types.js';

/**
 * The URI of an Argo artifact from its location key, the way KFP and MLMD name artifacts
 * (`s3://bucket/key`, `gs://bucket/key`, …). MinIO is S3 to Argo (`s3:` with a MinIO endpoint), so it stays
 * `s3://`, which is also what KFP v1 recorded. When the controller wrote only the key (the location comes
 * from the default artifact repository), the bucket is taken from `status.artifactRepositoryRef`.
 * Returns undefined for artifacts with no addressable location (`raw`, or not yet uploaded).
 */
export function artifactUri(artifact: Artifact, status?: WorkflowStatus): string | undefined {
  const repository = defaultRepository(status);
  if (isJsonObject(artifact.s3)) {
    const bucket = str(artifact.s3.bucket) ?? str(repository?.s3?.bucket);
    const key = str(artifact.s3.key);
    return key === undefined ? undefined : joinUri('s3', bucket, key);
  }
  if (isJsonObject(artifact.gcs)) {
    const bucket = str(artifact.gcs.bucket) ?? str(repository?.gcs?.bucket);
    const key = str(artifact.gcs.key);
    return key === undefined ? undefined : joinUri('gs', bucket, key);
  }
  if (isJsonObject(artifact.oss)) {
    const bucket = str(artifact.oss.bucket) ?? str(repository?.oss?.bucket);
    const key = str(artifact.oss.key);
    return key === undefined ? undefined : joinUri('oss', bucket, key);
  }
  if (isJsonObject(artifact.azure)) {
    const container = str(artifact.azure.container) ?? str(repository?.azure?.container);
    const blob = str(artifact.azure.blob);
    return blob === undefined ? undefined : joinUri('azure', container, blob);
  }
  if (isJsonObject(artifact.http)) return str(artifact.http.url);
  if (isJsonObject(artifact.artifactory)) return str(artifact.artifactory.url);
  if (isJsonObject(artifact.hdfs)) {
    const path = str(artifact.hdfs.path);
    const address = Array.isArray(artifact.hdfs.addresses) ? str(artifact.hdfs.addresses[0]) : undefined;
    return path === undefined ? undefined : `hdfs://${address ?? ''}${path.startsWith('/') ? '' : '/'}${path}`;
  }
  if (isJsonObject(artifact.git)) {
    const repo = str(artifact.git.repo);
    const revision = str(artifact.git.revision);
    return repo === undefined ? undefined : revision === undefined ? repo : `${repo}#${revision}`;
  }
  return undefined;
}

type Repository = Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;

function defaultRepository(status: WorkflowStatus | undefined): Repository | undefined {
  const ref: unknown = status?.artifactRepositoryRef;
  if (!isJsonObject(ref)) return undefined;
  const repository = ref.artifactRepository;
  if (!isJsonObject(repository)) return undefined;
  const result: Record<string, JsonObject | undefined> = {};
  for (const [key, value] of Object.entries(repository)) if (isJsonObject(value)) result[key] = value;
  return result;
}

function joinUri(scheme: string, bucket: string | undefined, key: string): string {
  const trimmed = key.replace(/^\/+/, '');
  return bucket === undefined ? `${scheme}:///${trimmed}` : `${scheme}://${bucket}/${trimmed}`;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
