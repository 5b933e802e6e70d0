import { expect } from 'vitest';
import type { GraphqlResponse, TestServer } from '../support/test-server.js';

export type GraphqlError = NonNullable<GraphqlResponse['body']['errors']>[number];

/** What one request came to: OK (data, no error), or the first error's code; the HTTP status rides along. */
export interface Outcome {
  readonly status: number;
  readonly code: string;
  readonly errors: readonly GraphqlError[];
  readonly data: Record<string, unknown> | null | undefined;
}

export function outcomeOf(res: GraphqlResponse): Outcome {
  const errors = res.body.errors ?? [];
  return { status: res.status, code: errors.length === 0 ? 'OK' : (errors[0]?.extensions?.code ?? 'NO_CODE'), errors, data: res.body.data };
}

/** How a caller is identified on the wire: headers built once the server (and its emulator) exist. */
export interface Caller {
  readonly name: string;
  readonly headers: (t: TestServer) => Record<string, string>;
  /** The role RBAC gives the caller per tenant; absent → none (a stranger there). */
  readonly roles: Readonly<Record<string, Role>>;
}

export type Role = 'owner' | 'edit' | 'view' | 'admin';
export const TENANTS = ['alice', 'bob', 'ml-research'] as const;
export type Tenant = (typeof TENANTS)[number];

/** Tokens per emulator: each one signs with its own key, so a token of one server is no good on the next. */
const tokensByEmulator = new WeakMap<object, Map<string, string>>();
function bearer(t: TestServer, namespace: string, sa: string, audiences: readonly string[]): Record<string, string> {
  const key = `${namespace}/${sa}/${audiences.join(',')}`;
  let tokens = tokensByEmulator.get(t.emulator);
  if (!tokens) {
    tokens = new Map();
    tokensByEmulator.set(t.emulator, tokens);
  }
  let token = tokens.get(key);
  if (!token) {
    token = t.emulator.issueToken(namespace, sa, audiences);
    tokens.set(key, token);
  }
  return { authorization: `Bearer ${token}` };
}

export const user = (name: string, groups?: readonly string[]) => (): Record<string, string> => ({
  'kubeflow-userid': name,
  ...(groups ? { 'kubeflow-groups': groups.join(',') } : {}),
});

/** The callers of the tenancy matrix, with the role each has per demo tenant (src/demo/tenants.ts). */
export const CALLERS: readonly Caller[] = [
  { name: 'owner alice@example.com', headers: user('alice@example.com'), roles: { alice: 'owner', 'ml-research': 'edit' } },
  { name: 'view contributor dave@example.com', headers: user('dave@example.com'), roles: { 'ml-research': 'view' } },
  { name: 'view contributor bob@example.com', headers: user('bob@example.com'), roles: { alice: 'view', bob: 'owner' } },
  { name: 'stranger eve@example.com', headers: user('eve@example.com'), roles: {} },
  { name: 'group member frank@example.com (research-readers)', headers: user('frank@example.com', ['research-readers']), roles: { 'ml-research': 'view' } },
  { name: 'frank@example.com without the group header', headers: user('frank@example.com'), roles: {} },
  { name: "alice's default-editor token", headers: (t) => bearer(t, 'alice', 'default-editor', ['pipelines.kubeflow.org']), roles: { alice: 'edit' } },
  { name: "bob's default-editor token", headers: (t) => bearer(t, 'bob', 'default-editor', ['pipelines.kubeflow.org']), roles: { bob: 'edit' } },
  { name: 'cluster admin admin@example.com', headers: user('admin@example.com'), roles: { alice: 'admin', bob: 'admin', 'ml-research': 'admin' } },
];

export const canRead = (role: Role | undefined): boolean => role !== undefined;
export const canWrite = (role: Role | undefined): boolean => role === 'owner' || role === 'edit' || role === 'admin';
/** What a write answers: OK, FORBIDDEN on a tenant the caller can see, NOT_FOUND on one it cannot. */
export const writeOutcome = (role: Role | undefined): string => (canWrite(role) ? 'OK' : canRead(role) ? 'FORBIDDEN' : 'NOT_FOUND');
export const readOutcome = (role: Role | undefined): string => (canRead(role) ? 'OK' : 'NOT_FOUND');

export async function as(t: TestServer, caller: Caller, query: string, variables: Record<string, unknown> = {}): Promise<Outcome> {
  return outcomeOf(await t.gql(query, variables, { headers: caller.headers(t) }));
}

/** Admin-side GraphQL that must succeed (fixture discovery and setup). */
export async function adminData<T>(t: TestServer, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await t.gql<T>(query, variables, { user: 'admin@example.com' });
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data as T;
}

/**
 * Every error's message with the tenant's name and object IDs normalized, to compare "not found" answers; in path
 * order, because graphql-js lists errors as fields settle, and a real object's review settles later than a missing one.
 */
export function errorShape(o: Outcome, replace: readonly (readonly [string, string])[] = []): unknown {
  const errors = o.errors.map((e) => {
    let message = e.message;
    for (const [from, to] of replace) message = message.split(from).join(to);
    return { message, code: e.extensions?.code, path: e.path };
  });
  const key = (e: { readonly path?: readonly (string | number)[] }) => JSON.stringify(e.path ?? []);
  return { status: o.status, data: o.data, errors: errors.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)) };
}

export interface TenantFixture {
  readonly namespace: string;
  readonly namespaceId: string;
  readonly experimentId: string;
  readonly runId: string;
  readonly runName: string;
  readonly pipelineId: string;
  readonly pipelineVersionId: string;
  readonly executionId: string;
  readonly artifactId: string;
  /** Set by the matrix's setup: the demo data has no recurring runs. */
  recurringRunId?: string;
}

interface DiscoveryData {
  readonly namespace: {
    readonly id: string;
    readonly experiments: { readonly nodes: readonly { readonly id: string }[] };
    readonly runs: {
      readonly nodes: readonly {
        readonly id: string;
        readonly name: string;
        readonly executions: readonly { readonly id: string; readonly outputs: readonly { readonly id: string }[] }[];
      }[];
    };
    readonly pipelines: { readonly nodes: readonly { readonly id: string; readonly latestVersion: { readonly id: string } | null }[] };
  };
}

/** One of each object of a demo tenant, found as the cluster admin: a run that has executions with outputs. */
export async function discoverTenant(t: TestServer, namespace: string): Promise<TenantFixture> {
  const data = await adminData<DiscoveryData>(
    t,
    `query($ns: String!) { namespace(name: $ns) { id
      experiments(first: 5) { nodes { id } }
      runs(first: 50) { nodes { id name executions { id outputs { id } } } }
      pipelines { nodes { id latestVersion { id } } } } }`,
    { ns: namespace },
  );
  const run = data.namespace.runs.nodes.find((r) => r.executions.some((e) => e.outputs.length > 0));
  const execution = run?.executions.find((e) => e.outputs.length > 0);
  const pipeline = data.namespace.pipelines.nodes[0];
  if (!run || !execution || !pipeline?.latestVersion || !data.namespace.experiments.nodes[0]) throw new Error(`demo data of ${namespace} is incomplete`);
  return {
    namespace,
    namespaceId: data.namespace.id,
    experimentId: data.namespace.experiments.nodes[0].id,
    runId: run.id,
    runName: run.name,
    pipelineId: pipeline.id,
    pipelineVersionId: pipeline.latestVersion.id,
    executionId: execution.id,
    artifactId: execution.outputs[0]?.id as string,
  };
}

export const globalId = (type: string, id: string | number): string => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
