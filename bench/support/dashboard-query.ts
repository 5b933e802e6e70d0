/** The dashboard query: a page of runs with their experiment, version and each execution's outputs. */
export const DASHBOARD_QUERY = `query Dashboard($namespace: String!, $first: Int!) {
  namespace(name: $namespace) {
    runs(first: $first) {
      edges { node { experiment { name } pipelineVersion { name } executions { outputs { uri } } } }
    }
  }
}`;

export interface DashboardData {
  readonly namespace: {
    readonly runs: {
      readonly edges: readonly {
        readonly node: {
          readonly experiment: { readonly name: string } | null;
          readonly pipelineVersion: { readonly name: string } | null;
          readonly executions: readonly { readonly outputs: readonly { readonly uri: string | null }[] }[];
        };
      }[];
    };
  } | null;
}
