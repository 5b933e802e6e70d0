import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { ClusterSource } from '../config/config.js';
import { demoSeed, loadSeedDirectory, startEmulator, type RunningEmulator } from '../emulator/index.js';

/** kfp-graph's own identity in the cluster (deploy/base/rbac.yaml). */
export const KFP_GRAPH_SERVICE_ACCOUNT = { namespace: 'kubeflow', name: 'kfp-graph' } as const;

export interface ClusterConnection {
  /** How kfp-graph reaches the API server, as itself (never as an admin). */
  readonly kubeConfig: KubeConfig;
  /** Set when kfp-graph started the built-in emulator (the embedded default). */
  readonly emulator?: RunningEmulator;
  close(): Promise<void>;
}

/** kfp-graph's own RBAC, the same file a deployment applies. */
export function kfpGraphRbac(): readonly unknown[] {
  const text = readFileSync(new URL('../../deploy/base/rbac.yaml', import.meta.url), 'utf8');
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as unknown)
    .filter((o) => o !== null);
}

/**
 * A real cluster through KUBECONFIG or the pod's service account, or the emulator seeded with the demo tenants
 * (or a directory of YAML). With the emulator, kfp-graph still authenticates as its own service account with
 * a bound token, so its RBAC is exercised exactly as in a cluster.
 */
export async function connectCluster(source: ClusterSource, options: { readonly kubeconfigPath?: string } = {}): Promise<ClusterConnection> {
  if (source.mode !== 'emulator') {
    const kubeConfig = new KubeConfig();
    if (source.mode === 'kubeconfig') kubeConfig.loadFromFile(source.path);
    else kubeConfig.loadFromCluster();
    return { kubeConfig, close: async () => {} };
  }
  const seed = source.seedDirectory ? loadSeedDirectory(source.seedDirectory) : demoSeed();
  // The control-plane namespace first, so a custom seed without it can still hold kfp-graph's service account.
  const controlPlane = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: KFP_GRAPH_SERVICE_ACCOUNT.namespace } };
  const emulator = await startEmulator({ port: source.port, seed: [controlPlane, ...seed, ...kfpGraphRbac()] });
  if (options.kubeconfigPath) emulator.writeKubeconfig(options.kubeconfigPath);
  const token = emulator.issueToken(KFP_GRAPH_SERVICE_ACCOUNT.namespace, KFP_GRAPH_SERVICE_ACCOUNT.name, [], 365 * 24 * 3600);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(emulator.kubeconfigYaml({ token, user: 'kfp-graph' }));
  return { kubeConfig, emulator, close: () => emulator.close() };
}
