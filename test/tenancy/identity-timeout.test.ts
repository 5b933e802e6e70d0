import { createServer, type Server, type Socket } from 'node:net';
import { AuthenticationV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { resolveIdentity } from '../../src/identity/resolve-identity.js';
import { KubeTokenReviewer, TokenReviewTimeoutError } from '../../src/identity/token-reviewer.js';
import { startKfpGraph, type RunningKfpGraph } from '../../src/server/kfp-graph-server.js';
import { createTestStore } from '../support/databases.js';
import type { StoreHandle } from '../../src/store/store-handle.js';

/**
 * An API server that accepts connections and never answers: TokenReview must give up on its own timeout and
 * REQUEST_TIMEOUT_MS must bound the whole request, identity included (it once hung past 300 s).
 */
interface SilentServer {
  readonly url: string;
  readonly open: Set<Socket>;
  /** Connections accepted so far. */
  accepted: number;
  close(): Promise<void>;
}

async function startSilentServer(): Promise<SilentServer> {
  const open = new Set<Socket>();
  const state = { accepted: 0 };
  const server: Server = createServer((socket) => {
    state.accepted += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
    // Read and drop what is sent (a socket nobody reads never notices the client closing it); never answer.
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    open,
    get accepted() {
      return state.accepted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function kubeConfigFor(url: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'silent', server: url, skipTLSVerify: true }],
    users: [{ name: 'kfp-graph', token: 'not-used' }],
    contexts: [{ name: 'silent', cluster: 'silent', user: 'kfp-graph' }],
    currentContext: 'silent',
  });
  return kc;
}

const waitFor = async (check: () => boolean, ms: number): Promise<void> => {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('TokenReview against an API server that never answers', () => {
  let silent: SilentServer;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(async () => silent?.close());

  it('times out, and closes the connection it opened', async () => {
    const reviewer = new KubeTokenReviewer(kubeConfigFor(silent.url).makeApiClient(AuthenticationV1Api), ['pipelines.kubeflow.org'], 300);
    const started = Date.now();
    await expect(reviewer.review('some-token')).rejects.toBeInstanceOf(TokenReviewTimeoutError);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2_000);
    expect(silent.accepted).toBeGreaterThan(0);
    await waitFor(() => silent.open.size === 0, 2_000);
    expect(silent.open.size).toBe(0);
  });

  it("stops as soon as the caller's deadline fires, before its own timeout", async () => {
    const reviewer = new KubeTokenReviewer(kubeConfigFor(silent.url).makeApiClient(AuthenticationV1Api), ['pipelines.kubeflow.org'], 60_000);
    const started = Date.now();
    await expect(reviewer.review('some-token', AbortSignal.timeout(200))).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('is UNAVAILABLE to resolveIdentity, not UNAUTHENTICATED: the token may be fine', async () => {
    const reviewer = new KubeTokenReviewer(kubeConfigFor(silent.url).makeApiClient(AuthenticationV1Api), ['pipelines.kubeflow.org'], 200);
    const settings = { userHeader: 'kubeflow-userid', userPrefix: '', groupsHeader: '' };
    await expect(resolveIdentity({ authorization: ['Bearer abc'] }, settings, reviewer)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('the whole HTTP request is bounded, identity included', () => {
  let silent: SilentServer;
  let store: StoreHandle;
  const servers: RunningKfpGraph[] = [];
  beforeAll(async () => {
    silent = await startSilentServer();
    store = await createTestStore('sqlite');
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await store?.close();
    await silent?.close();
  });

  async function start(env: Record<string, string>): Promise<RunningKfpGraph> {
    const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', SYNC: 'false', DEMO_SEED: 'false', ...env }, []);
    const server = await startKfpGraph(config, { store, metricsDefaults: false, tokenReviewKubeConfig: kubeConfigFor(silent.url) });
    servers.push(server);
    return server;
  }

  async function askWithToken(url: string): Promise<{ status: number; code: unknown; ms: number }> {
    const started = Date.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer some-token' },
      body: JSON.stringify({ query: '{ viewer { user } }' }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: unknown } }[] };
    return { status: response.status, code: body.errors?.[0]?.extensions?.code, ms: Date.now() - started };
  }

  it('TOKEN_REVIEW_TIMEOUT_MS: 503 UNAVAILABLE once the review gives up', async () => {
    const server = await start({ TOKEN_REVIEW_TIMEOUT_MS: '300' });
    const answer = await askWithToken(server.url);
    expect(answer).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
    expect(answer.ms).toBeLessThan(3_000);
  });

  it('REQUEST_TIMEOUT_MS cuts a review that would take longer', async () => {
    const server = await start({ TOKEN_REVIEW_TIMEOUT_MS: '60000', REQUEST_TIMEOUT_MS: '400' });
    const answer = await askWithToken(server.url);
    expect(answer).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
    expect(answer.ms).toBeLessThan(3_000);
  });

  it('the token review timeout defaults to AUTHZ_TIMEOUT_MS', () => {
    expect(loadConfig({ AUTHZ_TIMEOUT_MS: '1234' }, []).TOKEN_REVIEW_TIMEOUT_MS).toBe(1234);
    expect(loadConfig({ AUTHZ_TIMEOUT_MS: '1234', TOKEN_REVIEW_TIMEOUT_MS: '99' }, []).TOKEN_REVIEW_TIMEOUT_MS).toBe(99);
  });
});
