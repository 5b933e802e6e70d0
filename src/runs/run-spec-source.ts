import { parseAllDocuments } from 'yaml';
import { isPipelineSpec } from '../pipelines/ir-pipeline-spec.js';
import type { Config } from '../config/config.js';
import { InvalidInputError, NotFoundError } from '../errors/domain-errors.js';
import { parsePipelineSpec } from '../kube/workflow/pipeline-spec.js';
import type { AdmissionPolicy } from '../kube/workflow/workflow-admission.js';
import type { Workflow } from '../kube/workflow/workflow-types.js';
import type { PipelineRepository } from '../store/pipeline-repository.js';

/** Where a run's workflow comes from: a stored pipeline version, or a workflow spec given inline. */
export interface RunSource {
  readonly pipelineVersionId?: string | null;
  readonly workflowSpec?: string | null;
}

export interface ResolvedRunSpec {
  readonly spec: Workflow;
  readonly pipelineVersionId: string | null;
  /** The name MLMD's system.Pipeline context gets. */
  readonly pipelineName: string;
}

/**
 * The workflow a run (or a recurring run) executes. A pipeline version is usable from `namespace` only when it
 * is shared or belongs to that namespace: a private version of another tenant is reported exactly like a
 * version that does not exist (GHSA-v83x-544f-ph2r), so the caller learns nothing about it.
 */
export async function resolveRunSpec(source: RunSource, namespace: string, pipelines: PipelineRepository, maxSpecBytes: number): Promise<ResolvedRunSpec> {
  const hasVersion = source.pipelineVersionId != null && source.pipelineVersionId !== '';
  const hasSpec = source.workflowSpec != null && source.workflowSpec !== '';
  if (hasVersion === hasSpec) {
    throw new InvalidInputError('give exactly one of pipelineVersionId and workflowSpec', 'input.pipelineVersionId');
  }
  if (hasSpec) {
    refuseIr(source.workflowSpec as string, 'input.workflowSpec');
    const spec = parsePipelineSpec(source.workflowSpec as string, maxSpecBytes).manifest;
    return { spec, pipelineVersionId: null, pipelineName: spec.metadata.name ?? spec.metadata.generateName?.replace(/-$/, '') ?? 'workflow' };
  }
  const [version] = await pipelines.versionsByIds([source.pipelineVersionId as string]);
  if (!version || (version.namespace !== '' && version.namespace !== namespace)) {
    throw new NotFoundError('pipeline version not found', { path: 'input.pipelineVersionId' });
  }
  if (isPipelineSpec(JSON.parse(version.spec))) throw irRunRefused('input.pipelineVersionId');
  const [pipeline] = await pipelines.byIds([version.pipeline_id]);
  return {
    spec: parsePipelineSpec(version.spec, maxSpecBytes).manifest,
    pipelineVersionId: version.id,
    pipelineName: pipeline?.name ?? version.name,
  };
}

/**
 * Standalone mode cannot run KFP v2 IR: its tasks are executed by KFP's driver and launcher, which call KFP's
 * API server and ML-Metadata as KFP's backend set them up. Refused before anything is built, never half-run.
 */
function irRunRefused(path: string): InvalidInputError {
  return new InvalidInputError("this is a KFP v2 IR pipeline: IR runs need KFP_MODE=kfp (KFP's driver and launcher need KFP's API server)", path);
}

function refuseIr(text: string, path: string): void {
  let documents: unknown[];
  try {
    documents = parseAllDocuments(text).map((d) => d.toJS() as unknown);
  } catch {
    return;
  }
  if (isPipelineSpec(documents[0])) throw irRunRefused(path);
}

/**
 * The runner account: the namespace's default (RUNNER_SERVICE_ACCOUNT) unless the caller names one, which must
 * then be the default or on ALLOWED_SERVICE_ACCOUNTS.
 */
export function runnerServiceAccount(
  requested: string | null | undefined,
  config: Pick<Config, 'RUNNER_SERVICE_ACCOUNT' | 'ALLOWED_SERVICE_ACCOUNTS'>,
): string {
  if (requested == null || requested === '') return config.RUNNER_SERVICE_ACCOUNT;
  if (requested === config.RUNNER_SERVICE_ACCOUNT || config.ALLOWED_SERVICE_ACCOUNTS.includes(requested)) return requested;
  const allowed = [config.RUNNER_SERVICE_ACCOUNT, ...config.ALLOWED_SERVICE_ACCOUNTS].join(', ');
  throw new InvalidInputError(`service account ${JSON.stringify(requested)} is not allowed (allowed: ${allowed})`, 'input.serviceAccount');
}

/** The admission switches from config; templates may name any account the operator allows, nothing else. */
export function admissionPolicyFrom(config: Config, serviceAccount: string): Partial<Omit<AdmissionPolicy, 'namespace'>> {
  return {
    allowedServiceAccounts: [...new Set([serviceAccount, config.RUNNER_SERVICE_ACCOUNT, ...config.ALLOWED_SERVICE_ACCOUNTS])],
    dangerouslyAllowHostPath: config.DANGEROUSLY_ALLOW_HOST_PATH,
    dangerouslyAllowPrivileged: config.DANGEROUSLY_ALLOW_PRIVILEGED,
    dangerouslyAllowHostNamespaces: config.DANGEROUSLY_ALLOW_HOST_NAMESPACES,
    dangerouslyAllowPodSpecPatch: config.DANGEROUSLY_ALLOW_POD_SPEC_PATCH,
  };
}

/** Run parameters: a JSON object whose values are strings (Argo parameters are strings). */
export function runParameters(value: unknown, path = 'input.parameters'): Readonly<Record<string, string>> {
  if (value == null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidInputError(`${path} must be an object of strings`, path);
  const result: Record<string, string> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new InvalidInputError(`${path}.${name} must be a string`, `${path}.${name}`);
    result[name] = v;
  }
  return result;
}
