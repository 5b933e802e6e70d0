/** Who is asking, as Kubernetes RBAC sees a subject: a user name and its groups. */
export interface Identity {
  readonly user: string;
  readonly groups: readonly string[];
  /** How the identity was established; logged, never used for decisions. */
  readonly source: 'header' | 'token' | 'anonymous';
}
