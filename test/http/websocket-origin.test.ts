import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAllowedWebSocketOrigin } from '../../src/server/websocket-origin.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('isAllowedWebSocketOrigin', () => {
  const req = (headers: Record<string, string>) => ({ headers });
  it.each([
    [{ host: 'kubeflow.example.com' }, [], true],
    [{ host: 'kubeflow.example.com', origin: 'https://kubeflow.example.com' }, [], true],
    [{ host: 'kfp-graph.kubeflow.svc', 'x-forwarded-host': 'kubeflow.example.com', origin: 'https://kubeflow.example.com' }, [], true],
    [{ host: 'kubeflow.example.com', origin: 'https://evil.example' }, [], false],
    [{ host: 'kubeflow.example.com', origin: 'https://portal.example' }, ['https://portal.example'], true],
    [{ host: 'kubeflow.example.com', origin: 'null' }, [], false],
  ] as const)('%o with allow-list %o → %s', (headers, allowed, expected) => {
    expect(isAllowedWebSocketOrigin(req(headers), allowed)).toBe(expected);
  });
});

/** Opens a graphql-ws handshake with the given headers; resolves with the HTTP status of the upgrade. */
function handshake(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', (error) => reject(error));
  });
}

describe('subscriptions refuse cross-site pages', () => {
  let t: TestServer;
  let wsUrl: string;
  beforeAll(async () => {
    t = await startTestServer({ demoData: false });
    wsUrl = t.url.replace(/^http/, 'ws');
  });
  afterAll(async () => t?.close());

  it('accepts the same origin and clients without one, refuses another site with 403', async () => {
    const host = new URL(t.url).host;
    const as = { 'kubeflow-userid': 'alice@example.com' };
    expect(await handshake(wsUrl, as)).toBe(101);
    expect(await handshake(wsUrl, { ...as, origin: `http://${host}` })).toBe(101);
    expect(await handshake(wsUrl, { ...as, origin: 'https://evil.example' })).toBe(403);
  });
});
