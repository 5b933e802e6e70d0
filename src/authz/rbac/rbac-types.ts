/**
 * The subset of `rbac.authorization.k8s.io/v1` the evaluator reads, as plain readonly data. Objects coming from
 * the emulator's store or from a real cluster (client-node's V1Role …) fit these shapes structurally.
 */
export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface RbacObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface Role {
  readonly metadata?: RbacObjectMeta;
  readonly rules?: readonly PolicyRule[] | null;
}

export interface ClusterRole extends Role {
  readonly aggregationRule?: { readonly clusterRoleSelectors?: readonly LabelSelector[] } | null;
}

export interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly apiGroup?: string;
}

export interface RoleRef {
  readonly kind: string;
  readonly name: string;
  readonly apiGroup?: string;
}

export interface RoleBinding {
  readonly metadata?: RbacObjectMeta;
  readonly subjects?: readonly Subject[] | null;
  readonly roleRef: RoleRef;
}

/** Everything RBAC needs to know about the cluster: its four kinds of objects. */
export interface RbacPolicy {
  readonly roles: readonly Role[];
  readonly clusterRoles: readonly ClusterRole[];
  readonly roleBindings: readonly RoleBinding[];
  readonly clusterRoleBindings: readonly RoleBinding[];
}

/** Who is asking, as an authenticator reports it (k8s `user.Info`). */
export interface UserInfo {
  readonly username: string;
  readonly groups: readonly string[];
  readonly uid?: string;
}

/** k8s `authorizer.Attributes` for a request on an API resource. */
export interface ResourceAttributes {
  readonly kind: 'resource';
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** k8s `authorizer.Attributes` for a request on a non-resource URL (`/healthz`, `/version`). */
export interface NonResourceAttributes {
  readonly kind: 'nonResource';
  readonly verb: string;
  readonly path: string;
}

export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

export interface RbacDecision {
  readonly allowed: boolean;
  /** Names the binding that allowed it, as kube-apiserver's RBAC authorizer does; empty when denied. */
  readonly reason: string;
}
