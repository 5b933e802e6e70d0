import { loadConfig } from '../../src/config/config.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { Logger } from '../../src/server/logger.js';
import { startKfpGraph, type RunningKfpGraph } from '../../src/server/kfp-graph-server.js';
import type { SqlDialect } from '../../src/store/sql-dialect.js';
import { createTestStore } from './databases.js';

export interface GraphqlResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: {
    readonly data?: T | null;
    readonly errors?: readonly {
      readonly message: string;
      readonly path?: readonly (string | number)[];
      readonly extensions?: { readonly code?: string; readonly details?: Record<string, unknown> };
    }[];
  };
}

export interface TestServer {
  readonly server: RunningKfpGraph;
  readonly emulator: RunningEmulator;
  readonly url: string;
  /** POSTs a GraphQL request as `user` (the trusted header) or with `headers` given in full. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    as?: { readonly user?: string; readonly groups?: readonly string[]; readonly headers?: Record<string, string> },
  ): Promise<GraphqlResponse<T>>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  readonly dialect?: SqlDialect;
  readonly env?: Readonly<Record<string, string>>;
  /** Seed the demo data (SQL + MLMD); default true. */
  readonly demoData?: boolean;
  /** Where the server logs (default: nowhere). */
  readonly logger?: Logger;
}

/**
 * The real server on a free port: a fresh migrated database of the dialect, the Kubernetes emulator with the
 * demo tenants over a real socket, kfp-graph authenticating as its own service account.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const store = await createTestStore(options.dialect ?? 'sqlite');
  const config = loadConfig(
    {
      PORT: '0',
      LOG_LEVEL: 'silent',
      KUBEFLOW_GROUPS_HEADER: 'kubeflow-groups',
      DEMO_SEED: options.demoData === false ? 'false' : 'true',
      SYNC: 'false',
      ...options.env,
    },
    [],
  );
  let server: RunningKfpGraph;
  try {
    server = await startKfpGraph(config, { store, metricsDefaults: false, ...(options.logger ? { logger: options.logger } : {}) });
  } catch (error) {
    await store.close();
    throw error;
  }
  const emulator = server.cluster.emulator;
  if (!emulator) throw new Error('test server expected the emulator');
  return {
    server,
    emulator,
    url: server.url,
    async gql<T>(
      query: string,
      variables?: Record<string, unknown>,
      as: { readonly user?: string; readonly groups?: readonly string[]; readonly headers?: Record<string, string> } = {},
    ): Promise<GraphqlResponse<T>> {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        ...(as.user ? { 'kubeflow-userid': as.user } : {}),
        ...(as.groups ? { 'kubeflow-groups': as.groups.join(',') } : {}),
        ...as.headers,
      };
      const response = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as GraphqlResponse<T>['body'];
      return { status: response.status, headers: response.headers, body };
    },
    async close() {
      await server.close();
      await store.close();
    },
  };
}
