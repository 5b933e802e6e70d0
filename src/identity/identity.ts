/** Who is asking, as Kubernetes RBAC sees a subject: a user name and its groups. */
export interface Identity {
  readonly user: string;
  readonly groups: readonly string[];
  /** How the identity was established; logged, never used for decisions. */
  readonly source: 'header' | 'token' | 'anonymous';
  /**
   * The caller's own bearer token, when it authenticated with one: kfp mode forwards it to KFP's API server
   * unchanged, so KFP checks the caller, never kfp-graph's service account. Never logged.
   */
  readonly bearerToken?: string;
}
