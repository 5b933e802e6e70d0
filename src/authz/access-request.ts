import type { Identity } from '../identity/identity.js';

/**
 * One question for Kubernetes RBAC, with the resource attributes KFP's apiserver uses
 * (group pipelines.kubeflow.org, version v1beta1), so the ClusterRoles of a Kubeflow install answer it unchanged.
 * `namespace: null` asks cluster-wide (only a ClusterRoleBinding can allow it).
 */
export interface AccessRequest {
  readonly namespace: string | null;
  readonly resource: KfpResource;
  readonly verb: string;
  readonly name?: string;
}

/**
 * The resources kfp-graph asks about. No `pipelineversions`: KFP checks a version as its pipeline
 * (backend/src/apiserver/server/pipeline_server.go `canAccessPipelineVersion`).
 */
export type KfpResource = 'experiments' | 'runs' | 'jobs' | 'pipelines' | 'viewers' | 'visualizations';

export const KFP_API_GROUP = 'pipelines.kubeflow.org';
export const KFP_API_VERSION = 'v1beta1';

/** The memo and cache key: every attribute that can change the answer, groups in a canonical order. */
export function accessKey(identity: Identity, request: AccessRequest): string {
  return JSON.stringify([identity.user, [...identity.groups].sort(), request.namespace ?? '', request.resource, request.verb, request.name ?? '']);
}
