import { request as httpRequest } from 'node:http';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardRunsDocument, NamespaceSummaryDocument } from '../generated/graphql.js';
import type { DashboardRunsQuery, NamespaceSummaryQuery } from '../generated/graphql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ALICE = { 'kubeflow-userid': 'alice@example.com' };
const JSON_TYPE = { 'content-type': 'application/json' };
const SPEC_TYPE = 'application/graphql-response+json';

interface Body<T = Record<string, unknown>> {
  readonly data?: T | null;
  readonly errors?: readonly { readonly message: string; readonly extensions?: { readonly code?: string }; readonly path?: readonly (string | number)[] }[];
}
interface Answer<T> {
  readonly status: number;
  readonly type: string;
  readonly headers: Headers;
  readonly body: Body<T>;
}

async function call<T = Record<string, unknown>>(url: string, init: RequestInit): Promise<Answer<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: Body<T>;
  try {
    body = JSON.parse(text) as Body<T>;
  } catch {
    body = { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
  return { status: response.status, type: response.headers.get('content-type') ?? '', headers: response.headers, body };
}

const codes = (body: Body<unknown>): (string | undefined)[] => (body.errors ?? []).map((e) => e.extensions?.code);

describe('GraphQL over HTTP', () => {
  let t: TestServer;
  let base: string;
  const get = <T>(query: string, headers: Record<string, string>, variables?: Record<string, unknown>) => {
    const params = new URLSearchParams({ query, ...(variables ? { variables: JSON.stringify(variables) } : {}) });
    return call<T>(`${t.url}?${params}`, { headers });
  };
  const post = <T>(body: unknown, headers: Record<string, string>) =>
    call<T>(t.url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    t = await startTestServer();
    base = t.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => t?.close());

  describe('GET', () => {
    it('runs a query (the dashboard operation) with its variables', async () => {
      const res = await get<DashboardRunsQuery>(print(DashboardRunsDocument), { ...ALICE, ...JSON_TYPE }, { namespace: 'alice' });
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^application\/json/);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.namespace.runs.edges.length).toBeGreaterThan(0);
    });

    it('accepts apollo-require-preflight instead of a JSON content-type', async () => {
      const res = await get<NamespaceSummaryQuery>(print(NamespaceSummaryDocument), { ...ALICE, 'apollo-require-preflight': 'true' });
      expect(res.status).toBe(200);
      expect(res.body.data?.viewer.user).toBe('alice@example.com');
      expect(res.body.data?.namespaces.edges.map((e) => e.node.name)).toEqual(['alice', 'ml-research']);
    });

    it('refuses a mutation with 405 (queries only)', async () => {
      const res = await get('mutation { createExperiment(input: { namespace: "alice", name: "via-get" }) { experiment { id } } }', { ...ALICE, ...JSON_TYPE });
      expect(res.status).toBe(405);
      expect(res.body.data).toBeUndefined();
      const list = await post<{ namespace: { experiments: { nodes: { name: string }[] } } }>(
        { query: '{ namespace(name: "alice") { experiments(first: 100) { nodes { name } } } }' },
        { ...ALICE, ...JSON_TYPE },
      );
      expect(list.body.data?.namespace.experiments.nodes.map((n) => n.name)).not.toContain('via-get');
    });

    it('refuses a simple GET without a JSON content-type or preflight header (CSRF prevention)', async () => {
      const res = await get('{ viewer { user } }', { ...ALICE });
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
      expect(res.body.data).toBeUndefined();
    });
  });

  describe('POST', () => {
    it('answers application/json by default and the spec media type when asked', async () => {
      const legacy = await post({ query: '{ viewer { user } }' }, { ...ALICE, ...JSON_TYPE });
      expect(legacy.status).toBe(200);
      expect(legacy.type).toMatch(/^application\/json/);
      const spec = await post({ query: '{ viewer { user } }' }, { ...ALICE, ...JSON_TYPE, accept: SPEC_TYPE });
      expect(spec.status).toBe(200);
      expect(spec.type).toMatch(/^application\/graphql-response\+json/);
      expect(spec.body.data).toEqual({ viewer: { user: 'alice@example.com' } });
    });

    it('refuses a simple text/plain POST (CSRF prevention)', async () => {
      const res = await post(
        { query: 'mutation { createExperiment(input: { namespace: "alice", name: "csrf" }) { experiment { id } } }' },
        { ...ALICE, 'content-type': 'text/plain' },
      );
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
    });

    it('a validation error: 400 with application/graphql-response+json, 200 with application/json (legacy)', async () => {
      const spec = await post({ query: '{ viewer { nope } }' }, { ...ALICE, ...JSON_TYPE, accept: SPEC_TYPE });
      expect(spec.status).toBe(400);
      expect(spec.type).toMatch(/^application\/graphql-response\+json/);
      expect(codes(spec.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(spec.body.errors?.[0]?.message).toBe('Cannot query field "nope" on type "Viewer".');
      const legacy = await post({ query: '{ viewer { nope } }' }, { ...ALICE, ...JSON_TYPE, accept: 'application/json' });
      expect(legacy.status).toBe(200);
      expect(codes(legacy.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(legacy.body.data).toBeUndefined();
    });

    it('a GraphQL parse error is 400 with the spec media type (200 with application/json); a body that is not JSON is 400', async () => {
      const spec = await post({ query: '{ viewer { user }' }, { ...ALICE, ...JSON_TYPE, accept: SPEC_TYPE });
      expect(spec.status).toBe(400);
      expect(codes(spec.body)).toEqual(['GRAPHQL_PARSE_FAILED']);
      expect(spec.body.errors?.[0]?.message).toMatch(/^Syntax Error: Expected Name, found <EOF>/);
      const legacy = await post({ query: '{ viewer { user }' }, { ...ALICE, ...JSON_TYPE });
      expect(legacy.status).toBe(200);
      expect(codes(legacy.body)).toEqual(['GRAPHQL_PARSE_FAILED']);
      for (const accept of [SPEC_TYPE, 'application/json']) {
        const broken = await post('{"query": ', { ...ALICE, ...JSON_TYPE, accept });
        expect(broken.status).toBe(400);
        expect(codes(broken.body)).toEqual(['BAD_REQUEST']);
      }
    });

    it('variables that do not coerce: 400 with the spec media type', async () => {
      const res = await post(
        { query: 'query ($n: String!) { namespace(name: $n) { name } }', variables: { n: 5 } },
        { ...ALICE, ...JSON_TYPE, accept: SPEC_TYPE },
      );
      expect(res.status).toBe(400);
      expect(codes(res.body)).toEqual(['BAD_USER_INPUT']);
    });

    it('a body without a query is 400', async () => {
      const res = await post({}, { ...ALICE, ...JSON_TYPE });
      expect(res.status).toBe(400);
    });

    it('refuses a body over 1 MB with 413', async () => {
      const res = await post({ query: '{ viewer { user } }', variables: { pad: 'x'.repeat(1_100_000) } }, { ...ALICE, ...JSON_TYPE });
      expect(res.status).toBe(413);
      expect(res.body.errors?.[0]?.message).toMatch(/larger than 1048576 bytes/);
    });

    it('refuses other methods with 405', async () => {
      const res = await call(t.url, { method: 'PUT', headers: { ...ALICE, ...JSON_TYPE }, body: JSON.stringify({ query: '{ viewer { user } }' }) });
      expect(res.status).toBe(405);
    });
  });

  describe('identity', () => {
    it('is 401 UNAUTHENTICATED without one', async () => {
      const res = await post({ query: '{ viewer { user } }' }, { ...JSON_TYPE });
      expect(res.status).toBe(401);
      expect(codes(res.body)).toEqual(['UNAUTHENTICATED']);
      const viaGet = await get('{ viewer { user } }', { ...JSON_TYPE });
      expect(viaGet.status).toBe(401);
    });

    it('is 400 when kubeflow-userid is sent twice (as KFP)', async () => {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(t.url, { method: 'POST' }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.setHeader('content-type', 'application/json');
        // Two header lines, as a misconfigured proxy chain would send them (fetch would join them with a comma).
        req.setHeader('kubeflow-userid', ['alice@example.com', 'admin@example.com']);
        req.end(JSON.stringify({ query: '{ viewer { user } }' }));
      });
      expect(status).toBe(400);
      expect(body).toMatch(/kubeflow-userid must be sent once/);
      expect(body).not.toContain('"data"');
    });
  });

  describe('limits', () => {
    const nest = (levels: number): string => {
      let inner = 'id';
      for (let i = 0; i < levels; i += 1) inner = i % 2 === 0 ? `experiment { runs(first: 1) { nodes { ${inner} } } }` : inner;
      return `{ namespace(name: "alice") { runs(first: 1) { nodes { ${inner} } } } }`;
    };

    it('rejects a query deeper than MAX_DEPTH with a clear message', async () => {
      const res = await post({ query: nest(5) }, { ...ALICE, ...JSON_TYPE, accept: SPEC_TYPE });
      expect(res.status).toBe(400);
      expect(codes(res.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(res.body.errors?.[0]?.message).toMatch(/^Query depth limit of 12 exceeded, found \d+\.$/);
    });

    it('rejects more aliases than MAX_ALIASES', async () => {
      const query = `{ ${Array.from({ length: 31 }, (_, i) => `v${i}: viewer { user }`).join(' ')} }`;
      const res = await post({ query }, { ...ALICE, ...JSON_TYPE, accept: SPEC_TYPE });
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.message).toMatch(/^Aliases limit of 30 exceeded, found 31\.$/);
    });

    it('rejects a query costing more than MAX_COST', async () => {
      const wide = 'id name state createdAt description namespace serviceAccount createdBy scheduledAt finishedAt';
      const page = `runs(first: 50) { nodes { ${wide} experiment { id name runs(first: 50) { nodes { ${wide} executions { id outputs { id uri } } } } } } }`;
      const query = `{ ${Array.from({ length: 20 }, (_, i) => `n${i}: namespace(name: "alice") { ${page} }`).join(' ')} }`;
      const res = await post({ query }, { ...ALICE, ...JSON_TYPE, accept: SPEC_TYPE });
      expect(res.status).toBe(400);
      expect(res.body.errors?.map((e) => e.message)).toContainEqual(expect.stringMatching(/^Query Cost limit of 50000 exceeded, found [\d.]+\.$/));
    });

    it('counts page sizes given as variables (or their defaults) in the cost, not as 1', async () => {
      const wide = 'id name state createdAt description namespace serviceAccount createdBy scheduledAt finishedAt';
      const page = `runs(first: $f) { nodes { ${wide} experiment { id name runs(first: $f) { nodes { ${wide} } } } } }`;
      const query = (signature: string) =>
        `query Wide(${signature}) { ${Array.from({ length: 5 }, (_, i) => `n${i}: namespace(name: "alice") { ${page} }`).join(' ')} }`;
      const cheap = await post({ query: query('$f: Int!'), variables: { f: 2 } }, { ...ALICE, ...JSON_TYPE, accept: SPEC_TYPE });
      expect(cheap.status).toBe(200);
      expect(cheap.body.errors).toBeUndefined();
      for (const body of [{ query: query('$f: Int!'), variables: { f: 100 } }, { query: query('$f: Int = 100') }]) {
        const res = await post(body, { ...ALICE, ...JSON_TYPE, accept: SPEC_TYPE });
        expect(res.status).toBe(400);
        expect(codes(res.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
        expect(res.body.errors?.[0]?.message).toMatch(/^Query Cost limit of 50000 exceeded, found [\d.]+\.$/);
      }
    });

    it('rejects a document of more than MAX_TOKENS tokens as a parse error', async () => {
      const query = `{ viewer { ${'user '.repeat(6_000)} } }`;
      const res = await post({ query }, { ...ALICE, ...JSON_TYPE, accept: SPEC_TYPE });
      expect(res.status).toBe(400);
      expect(codes(res.body)).toEqual(['GRAPHQL_PARSE_FAILED']);
      expect(res.body.errors?.[0]?.message).toMatch(/more th.t 5000 tokens/);
    });
  });

  describe('errors', () => {
    it('masks unexpected errors as INTERNAL, with no message, stack or detail of the cause', async () => {
      const metadata = t.server.app.metadata as { lineage: (...args: unknown[]) => Promise<unknown> };
      const original = metadata.lineage;
      metadata.lineage = async () => {
        throw new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2');
      };
      try {
        const res = await post({ query: '{ lineage(of: "QXJ0aWZhY3Q6MQ", depth: 1) { truncated } }' }, { ...ALICE, ...JSON_TYPE });
        expect(res.status).toBe(200);
        expect(res.body.errors).toEqual([{ message: 'Internal server error', path: ['lineage'], extensions: { code: 'INTERNAL' } }]);
        expect(JSON.stringify(res.body)).not.toMatch(/hunter2|ECONNREFUSED|stacktrace/);
      } finally {
        metadata.lineage = original;
      }
    });

    it('keeps domain errors with their code (NOT_FOUND)', async () => {
      const res = await post({ query: '{ namespace(name: "bob") { name } }' }, { ...ALICE, ...JSON_TYPE });
      expect(codes(res.body)).toEqual(['NOT_FOUND']);
    });

    it('does not hand out Apollo inline traces (ftv1) of the subgraph', async () => {
      const res = await post({ query: '{ viewer { user } }' }, { ...ALICE, ...JSON_TYPE, 'apollo-federation-include-trace': 'ftv1' });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain('ftv1');
    });
  });

  describe('operations endpoints', () => {
    it('/healthz is 200', async () => {
      const res = await fetch(`${base}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('ok\n');
    });

    it('/readyz is 200 when the database and the cluster answer', async () => {
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ready: true, checks: { database: true }, cluster: { reachable: true, namespaces: true } });
    });

    it('/metrics is on the metrics port only, Prometheus text with the request and operation metrics', async () => {
      await post({ query: 'query MetricsProbe { viewer { user } }' }, { ...ALICE, ...JSON_TYPE });
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
      const res = await fetch(t.server.metricsUrl);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toContain('# TYPE kfp_graph_http_requests_total counter');
      expect(text).toMatch(/kfp_graph_http_requests_total\{route="graphql",status="200"\} \d+/);
      // MetricsProbe is not a listed operation name (METRICS_OPERATION_NAMES, trusted documents): it is `other`.
      expect(text).toMatch(/kfp_graph_graphql_operation_seconds_count\{operation="other",outcome="ok",transport="http"\} \d+/);
      expect(text).not.toContain('MetricsProbe');
      expect(text).toMatch(/kfp_graph_graphql_errors_total\{code="NOT_FOUND"\} \d+/);
    });

    it('an unknown path is 404', async () => {
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    });
  });
});
