import type { CrdDefinition, JsonSchema } from '../kube/crd-schema/index.js';

/**
 * How a resource is served: stored CRUD; a create-only review whose answer is computed (SAR, TokenReview);
 * or discovery-only (`virtual`): listed so clients can resolve the name, never served.
 */
export type ResourceBehaviour = 'stored' | 'review' | 'virtual';

/** One served resource of one group/version, as discovery lists it. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly verbs: readonly string[];
  readonly behaviour: ResourceBehaviour;
  /** CRD OpenAPI schema: objects are pruned, defaulted and validated against it. */
  readonly schema?: JsonSchema;
  readonly statusSubresource: boolean;
  /** Custom resources refuse an update without metadata.resourceVersion; most built-ins allow it. */
  readonly requireResourceVersionOnUpdate: boolean;
  /** Versions of one resource share storage (Profile v1 and v1beta1): keyed by group and plural. */
  readonly storageKey: string;
}

const STORED_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function builtin(
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  shortNames: readonly string[] = [],
  behaviour: ResourceBehaviour = 'stored',
): ResourceType {
  return {
    group,
    version,
    plural,
    kind,
    namespaced,
    shortNames,
    behaviour,
    singular: kind.toLowerCase(),
    listKind: `${kind}List`,
    verbs: behaviour === 'review' ? ['create'] : behaviour === 'virtual' ? [] : STORED_VERBS,
    statusSubresource: false,
    requireResourceVersionOnUpdate: false,
    storageKey: `${group}/${plural}`,
  };
}

/** The built-in resources kfp-graph and the Kubeflow control plane touch. */
export const BUILTIN_TYPES: readonly ResourceType[] = [
  builtin('', 'v1', 'namespaces', 'Namespace', false, ['ns']),
  builtin('', 'v1', 'serviceaccounts', 'ServiceAccount', true, ['sa']),
  builtin('', 'v1', 'configmaps', 'ConfigMap', true, ['cm']),
  builtin('', 'v1', 'secrets', 'Secret', true),
  builtin('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, ['pvc']),
  builtin('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  builtin('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  builtin('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
  builtin('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
  builtin('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  builtin('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, ['crd', 'crds']),
  builtin('authorization.k8s.io', 'v1', 'subjectaccessreviews', 'SubjectAccessReview', false, [], 'review'),
  builtin('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, [], 'review'),
  builtin('authorization.k8s.io', 'v1', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true, [], 'review'),
  builtin('authentication.k8s.io', 'v1', 'tokenreviews', 'TokenReview', false, [], 'review'),
  builtin('authentication.k8s.io', 'v1', 'selfsubjectreviews', 'SelfSubjectReview', false, [], 'review'),
];

/**
 * KFP's authorization-only resources (`pipelines.kubeflow.org/v1beta1` runs, experiments, jobs, pipelines,
 * pipelineversions, visualizations): KFP's api-server asks SubjectAccessReviews about them but no API server
 * serves them. They are listed in discovery so `kubectl auth can-i create runs.pipelines.kubeflow.org` resolves
 * the group (without it kubectl sends group "" and every answer is "no"); requests to them are 404.
 */
export const KFP_AUTHORIZATION_TYPES: readonly ResourceType[] = [
  ['runs', 'Run'],
  ['experiments', 'Experiment'],
  ['jobs', 'Job'],
  ['pipelines', 'Pipeline'],
  ['pipelineversions', 'PipelineVersion'],
  ['visualizations', 'Visualization'],
].map(([plural = '', kind = '']) => builtin('pipelines.kubeflow.org', 'v1beta1', plural, kind, true, [], 'virtual'));

/** The served versions of a CRD as resource types (one per version, one shared storage). */
export function crdResourceTypes(crd: CrdDefinition): ResourceType[] {
  return crd.versions
    .filter((v) => v.served)
    .map((v) => ({
      group: crd.group,
      version: v.name,
      plural: crd.names.plural,
      singular: crd.names.singular,
      kind: crd.names.kind,
      listKind: crd.names.listKind,
      namespaced: crd.scope === 'Namespaced',
      shortNames: crd.names.shortNames,
      verbs: STORED_VERBS,
      behaviour: 'stored' as const,
      schema: v.schema,
      statusSubresource: v.statusSubresource,
      requireResourceVersionOnUpdate: true,
      storageKey: `${crd.group}/${crd.names.plural}`,
    }));
}

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}
