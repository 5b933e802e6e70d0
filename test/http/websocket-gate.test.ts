import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

const MANIFEST = fileURLToPath(new URL('../generated/persisted-documents.json', import.meta.url));
const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;
const DASHBOARD = Object.entries(manifest).find(([, text]) => text.startsWith('query DashboardRuns'));
if (!DASHBOARD) throw new Error('the codegen manifest has no DashboardRuns document');

const RUN_UPDATES = 'subscription Updates($ns: String!) { runUpdated(namespace: $ns) { runId state } }';

interface FormattedError {
  readonly message: string;
  readonly extensions?: { readonly code?: string };
}

/** graphql-ws's own client over `ws`, with the auth proxy's user header on the upgrade request. */
function connect(t: TestServer, user = 'alice@example.com'): Client {
  return createClient({
    url: t.url.replace(/^http/, 'ws'),
    lazy: true,
    retryAttempts: 0,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: { 'kubeflow-userid': user } });
      }
    },
  });
}

/** The first thing an operation answers: a result, or the errors of the `error` message. */
function first(
  client: Client,
  payload: { query: string; variables?: Record<string, unknown> },
): Promise<ExecutionResult | { readonly refused: readonly FormattedError[] }> {
  return new Promise((resolve, reject) => {
    const stop = client.subscribe(payload, {
      next: (value) => {
        stop();
        resolve(value as ExecutionResult);
      },
      error: (error) =>
        Array.isArray(error) ? resolve({ refused: error as FormattedError[] }) : reject(error instanceof Error ? error : new Error(String(error))),
      complete: () => undefined,
    });
  });
}

const refusedCodes = (answer: Awaited<ReturnType<typeof first>>): (string | undefined)[] =>
  'refused' in answer ? answer.refused.map((e) => e.extensions?.code) : ['(not refused)'];

async function metric(t: TestServer, name: string): Promise<number> {
  const text = await (await fetch(t.server.metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : Number.NaN;
}

async function until(check: () => Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('WebSocket operations pass the same gate as HTTP', () => {
  let t: TestServer;
  const clients: Client[] = [];
  const open = (user?: string) => {
    const client = connect(t, user);
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    t = await startTestServer({
      demoData: false,
      env: { MAX_SUBSCRIPTIONS_PER_CONNECTION: '2', MAX_SUBSCRIPTIONS: '3', WEBSOCKET_MAX_MESSAGE_BYTES: '40000', REQUEST_TIMEOUT_MS: '1500' },
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
  });
  afterAll(async () => t?.close());

  it('runs only subscriptions over the socket by default: a query or mutation is refused before it runs', async () => {
    const client = open();
    expect(refusedCodes(await first(client, { query: '{ viewer { user } }' }))).toEqual(['OPERATION_NOT_ALLOWED']);
    const mutation = 'mutation { createExperiment(input: { namespace: "alice", name: "over-ws" }) { experiment { id } } }';
    expect(refusedCodes(await first(client, { query: mutation }))).toEqual(['OPERATION_NOT_ALLOWED']);
    const list = await t.gql<{ namespace: { experiments: { nodes: { name: string }[] } } }>(
      '{ namespace(name: "alice") { experiments(first: 100) { nodes { name } } } }',
      {},
      { user: 'alice@example.com' },
    );
    expect(list.body.data?.namespace.experiments.nodes.map((n) => n.name)).not.toContain('over-ws');
    expect(await metric(t, 'kfp_graph_graphql_refused_total{reason="operation_type",transport="ws"}')).toBe(2);
  });

  it('refuses 300 aliases at once, and /healthz keeps answering', async () => {
    const client = open();
    const query = `subscription { runUpdated(namespace: "alice") { ${Array.from({ length: 300 }, (_, i) => `a${i}: run { name }`).join(' ')} } }`;
    const started = performance.now();
    const answer = await first(client, { query });
    expect(refusedCodes(answer)).toContain('GRAPHQL_VALIDATION_FAILED');
    expect('refused' in answer && answer.refused.map((e) => e.message)).toContainEqual(expect.stringMatching(/^Aliases limit of 30 exceeded, found \d+\.$/));
    expect(performance.now() - started).toBeLessThan(1_000);
    const health = await fetch(t.url.replace(/\/graphql$/, '/healthz'));
    expect(health.status).toBe(200);
  });

  it('applies the depth, token and validation rules, without field suggestions', async () => {
    const client = open();
    const deep = `subscription { runUpdated(namespace: "alice") { run { ${'experiment { runs { nodes { '.repeat(4)} id ${'} } }'.repeat(4)} } } }`;
    const depth = await first(client, { query: deep });
    expect(refusedCodes(depth)).toContain('GRAPHQL_VALIDATION_FAILED');
    expect('refused' in depth && depth.refused.map((e) => e.message)).toContainEqual(expect.stringMatching(/^Query depth limit of 12 exceeded/));
    const tokens = await first(client, { query: `subscription { runUpdated(namespace: "alice") { ${'runId '.repeat(5_100)} } }` });
    expect(refusedCodes(tokens)).toEqual(['GRAPHQL_PARSE_FAILED']);
    const typo = await first(client, { query: 'subscription { runUpdated(namespace: "alice") { runid } }' });
    expect(refusedCodes(typo)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect('refused' in typo && typo.refused[0]?.message).not.toMatch(/Did you mean/);
  });

  it('closes the socket (1009) on a message larger than WEBSOCKET_MAX_MESSAGE_BYTES', async () => {
    const socket = new WebSocket(t.url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers: { 'kubeflow-userid': 'alice@example.com' } });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise<void>((resolve) => socket.once('message', () => resolve()));
    socket.send(
      JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `subscription { runUpdated(namespace: "${'x'.repeat(41_000)}") { runId } }` } }),
    );
    expect(await closed).toBe(1009);
  });

  it('caps subscriptions per connection and across the process, and frees a slot when one ends', async () => {
    const a = open();
    const b = open('bob@example.com');
    const sink = { next: () => undefined, error: () => undefined, complete: () => undefined };
    const a1 = a.subscribe({ query: RUN_UPDATES, variables: { ns: 'alice' } }, sink);
    a.subscribe({ query: RUN_UPDATES, variables: { ns: 'alice' } }, sink);
    await until(async () => (await metric(t, 'kfp_graph_subscriptions_open')) === 2, 'two subscriptions');
    expect(refusedCodes(await first(a, { query: RUN_UPDATES, variables: { ns: 'alice' } }))).toEqual(['TOO_MANY_SUBSCRIPTIONS']);
    b.subscribe({ query: RUN_UPDATES, variables: { ns: 'bob' } }, sink);
    await until(async () => (await metric(t, 'kfp_graph_subscriptions_open')) === 3, 'three subscriptions');
    expect(refusedCodes(await first(b, { query: RUN_UPDATES, variables: { ns: 'bob' } }))).toEqual(['UNAVAILABLE']);
    a1();
    await until(async () => (await metric(t, 'kfp_graph_subscriptions_open')) === 2, 'a slot freed');
    b.subscribe({ query: RUN_UPDATES, variables: { ns: 'bob' } }, sink);
    await until(async () => (await metric(t, 'kfp_graph_subscriptions_open')) === 3, 'the freed slot reused');
    await a.dispose();
    await until(async () => (await metric(t, 'kfp_graph_subscriptions_open')) === 2, 'a closed socket frees its slots');
  });

  it("bounds a subscription's setup by REQUEST_TIMEOUT_MS", async () => {
    const cache = t.server.authorizer.cache;
    const original = cache.isAllowed.bind(cache);
    // An API server that takes 5 s to answer a SubjectAccessReview.
    cache.isAllowed = (identity, request) => new Promise((resolve) => setTimeout(() => resolve(original(identity, request)), 5_000));
    try {
      const started = performance.now();
      const answer = await first(open('carol@example.com'), { query: RUN_UPDATES, variables: { ns: 'ml-research' } });
      // A subscription whose setup fails answers one `next` with the errors, then `complete` (graphql-ws).
      expect('refused' in answer).toBe(false);
      expect((answer as ExecutionResult).errors?.map((e) => (e as FormattedError).extensions?.code)).toEqual(['UNAVAILABLE']);
      expect(performance.now() - started).toBeLessThan(4_000);
      expect(await metric(t, 'kfp_graph_subscriptions_open')).toBe(0);
    } finally {
      cache.isAllowed = original;
    }
  });
});

describe('WebSocket operations on a TRUSTED_DOCUMENTS server', () => {
  let t: TestServer;
  const clients: Client[] = [];
  beforeAll(async () => {
    t = await startTestServer({ env: { TRUSTED_DOCUMENTS: MANIFEST, WEBSOCKET_ALLOW_QUERIES_AND_MUTATIONS: 'true', REQUEST_TIMEOUT_MS: '1500' } });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.close();
  });
  const open = () => {
    const client = connect(t);
    clients.push(client);
    return client;
  };

  it('refuses introspection, mutations and any other document not in the manifest', async () => {
    const client = open();
    for (const query of [
      '{ __schema { types { name } } }',
      'mutation { createExperiment(input: { namespace: "alice", name: "x" }) { experiment { id } } }',
      RUN_UPDATES,
    ]) {
      expect(refusedCodes(await first(client, { query, variables: { ns: 'alice' } }))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    }
  });

  it('runs a trusted document (by its text or its hash) when queries are allowed over the socket', async () => {
    const client = open();
    const [id, text] = DASHBOARD;
    const byText = await first(client, { query: text, variables: { namespace: 'alice' } });
    expect('refused' in byText ? byText.refused : byText.errors).toBeUndefined();
    expect(((byText as ExecutionResult).data as { namespace: { runs: { edges: unknown[] } } }).namespace.runs.edges.length).toBeGreaterThan(0);
    const byHash = await new Promise<ExecutionResult>((resolve, reject) => {
      client.subscribe(
        { query: '', variables: { namespace: 'alice' }, extensions: { persistedQuery: { version: 1, sha256Hash: id.slice(7) } } },
        { next: (v) => resolve(v as ExecutionResult), error: reject, complete: () => undefined },
      );
    });
    expect(byHash.errors).toBeUndefined();
  });

  it('bounds a query over the socket by REQUEST_TIMEOUT_MS', async () => {
    const cache = t.server.authorizer.cache;
    const original = cache.isAllowed.bind(cache);
    cache.isAllowed = (identity, request) => new Promise((resolve) => setTimeout(() => resolve(original(identity, request)), 5_000));
    try {
      const started = performance.now();
      const answer = await first(connect(t, 'dave@example.com'), { query: DASHBOARD[1], variables: { namespace: 'ml-research' } });
      expect('refused' in answer).toBe(false);
      expect((answer as ExecutionResult).errors?.map((e) => (e as FormattedError).extensions?.code)).toEqual(['UNAVAILABLE']);
      expect(performance.now() - started).toBeLessThan(4_000);
    } finally {
      cache.isAllowed = original;
    }
  });
});
