import { stringify } from 'yaml';

export const EMULATOR_CLUSTER_NAME = 'kfp-graph-emulator';

export interface KubeconfigParts {
  readonly server: string;
  readonly token: string;
  /** Default `kubernetes-admin`. */
  readonly user?: string | undefined;
  readonly namespace?: string | undefined;
  /** The serving certificate, trusted as the cluster's CA (https only). */
  readonly caPem?: string | undefined;
}

/**
 * A kubeconfig with one cluster (`kfp-graph-emulator`), one user holding a bearer token and one current
 * context, loadable by kubectl and by `KubeConfig.loadFromString`.
 */
export function kubeconfigYaml(parts: KubeconfigParts): string {
  const user = parts.user ?? 'kubernetes-admin';
  const cluster = parts.caPem ? { server: parts.server, 'certificate-authority-data': Buffer.from(parts.caPem).toString('base64') } : { server: parts.server };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: EMULATOR_CLUSTER_NAME, cluster }],
    users: [{ name: user, user: { token: parts.token } }],
    contexts: [
      {
        name: `${user}@${EMULATOR_CLUSTER_NAME}`,
        context: { cluster: EMULATOR_CLUSTER_NAME, user, ...(parts.namespace ? { namespace: parts.namespace } : {}) },
      },
    ],
    'current-context': `${user}@${EMULATOR_CLUSTER_NAME}`,
    preferences: {},
  });
}
