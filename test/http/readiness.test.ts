import { describe, expect, it } from 'vitest';
import { readinessChecks } from '../../src/server/readiness-checks.js';
import { startTestServer } from '../support/test-server.js';

const probe = (url: string, path: '/readyz' | '/healthz') => fetch(url.replace(/\/graphql$/, path));

describe('/readyz gates on what the replica itself needs', () => {
  it('stays 200 when the Kubernetes API does not answer, and reports the cluster unreachable', async () => {
    const t = await startTestServer({ demoData: false });
    try {
      await t.emulator.close();
      const res = await probe(t.url, '/readyz');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ready: true, checks: { database: true }, cluster: { reachable: false, namespaces: true } });
      expect((await probe(t.url, '/healthz')).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('is 503 when the database does not answer, while /healthz stays 200', async () => {
    const t = await startTestServer({ demoData: false });
    try {
      await t.server.app.store.close();
      const res = await probe(t.url, '/readyz');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ready: false, checks: { database: false }, cluster: { reachable: true, namespaces: true } });
      const health = await probe(t.url, '/healthz');
      expect(health.status).toBe(200);
      expect(await health.text()).toBe('ok\n');
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});

describe('readinessChecks', () => {
  it('counts a dependency that hangs as not answering, within the timeout', async () => {
    const check = readinessChecks({ database: () => new Promise(() => undefined), cluster: async () => 'v1.32', timeoutMs: 50 });
    const started = performance.now();
    expect(await check()).toEqual({ checks: { database: false }, cluster: { reachable: true } });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('counts a rejection as not answering', async () => {
    const check = readinessChecks({ database: async () => 1, cluster: () => Promise.reject(new Error('connect ECONNREFUSED')), timeoutMs: 1_000 });
    expect(await check()).toEqual({ checks: { database: true }, cluster: { reachable: false } });
  });
});
