import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/errors/domain-errors.js';
import { connectCluster, type ClusterConnection } from '../../src/kube/cluster-connection.js';
import { ProfileNamespaceDirectory } from '../../src/kube/profile-namespace-directory.js';
import { createLogger } from '../../src/server/logger.js';
import { startSwitchableProxy, type SwitchableProxy } from '../support/switchable-proxy.js';

/** The same kubeconfig, pointed at another server URL (the proxy in front of the emulator). */
function via(kubeConfig: KubeConfig, server: string): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kubeConfig.clusters.map((c) => ({ ...c, server })),
    users: kubeConfig.users,
    contexts: kubeConfig.contexts,
    currentContext: kubeConfig.currentContext,
  });
  return copy;
}

async function eventually(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function unavailable(read: () => unknown): boolean {
  try {
    read();
    return false;
  } catch (error) {
    if (error instanceof UnavailableError) return true;
    throw error;
  }
}

describe('the tenant-namespace directory refuses to answer when it cannot follow the cluster', () => {
  let cluster: ClusterConnection;
  let proxy: SwitchableProxy;
  const lines: string[] = [];

  beforeAll(async () => {
    cluster = await connectCluster({ mode: 'emulator', port: 0 });
    proxy = await startSwitchableProxy(new URL(cluster.kubeConfig.getCurrentCluster()?.server ?? ''));
  });
  afterAll(async () => {
    await proxy?.close();
    await cluster?.close();
  });

  it('lists the tenants while the watch works, is UNAVAILABLE once cut off beyond the bound, and recovers', async () => {
    const directory = await ProfileNamespaceDirectory.start(via(cluster.kubeConfig, proxy.url), {
      maxStalenessMs: 200,
      backoff: { initialMs: 50, maxMs: 400 },
      logger: createLogger('info', {}, (line) => lines.push(line)),
    });
    try {
      expect(directory.list()).toEqual(['alice', 'bob', 'ml-research']);
      expect(directory.has('alice')).toBe(true);

      await proxy.cut();
      await eventually(() => unavailable(() => directory.list()));
      expect(() => directory.has('alice')).toThrow(/has not answered since .*; try again/);
      expect(directory.isAvailable()).toBe(false);

      await proxy.restore();
      await eventually(() => directory.isAvailable());
      expect(directory.list()).toEqual(['alice', 'bob', 'ml-research']);
    } finally {
      await directory.stop();
    }
    const warnings = lines.map((l) => JSON.parse(l) as { level: string; msg: string; delayMs?: number; stack?: unknown });
    expect(warnings.some((w) => w.msg === 'watch failed; retrying')).toBe(true);
    expect(warnings.every((w) => w.level !== 'error')).toBe(true);
  }, 30_000);

  it('is UNAVAILABLE, not empty, when it has never reached the API server', async () => {
    const proxyDown = await startSwitchableProxy(new URL(cluster.kubeConfig.getCurrentCluster()?.server ?? ''));
    await proxyDown.cut();
    const directory = await ProfileNamespaceDirectory.start(via(cluster.kubeConfig, proxyDown.url), { backoff: { initialMs: 60_000, maxMs: 60_000 } });
    try {
      expect(() => directory.list()).toThrow(UnavailableError);
      expect(() => directory.has('alice')).toThrow(/have not been read from the Kubernetes API server yet/);
    } finally {
      await directory.stop();
    }
  });
});
