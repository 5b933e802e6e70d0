import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthenticationV1Api, AuthorizationV1Api, VersionApi } from '@kubernetes/client-node';
import { sql } from 'kysely';
import { buildKfpSchema } from '../../resolvers/build-schema.js';
import { createAppServices, type AppServices } from '../app/app-services.js';
import { CachingAuthorizer } from '../authz/decision-cache.js';
import { SubjectAccessReviewAuthorizer } from '../authz/subject-access-review-authorizer.js';
import type { Config } from '../config/config.js';
import { seedDemoData } from '../demo/demo-data.js';
import { KubeTokenReviewer } from '../identity/token-reviewer.js';
import { connectCluster, type ClusterConnection } from '../kube/cluster-connection.js';
import { ProfileNamespaceDirectory } from '../kube/profile-namespace-directory.js';
import { KubeScheduledWorkflowClient } from '../kube/scheduled-workflow-client.js';
import { KubeWorkflowClient } from '../kube/workflow-client.js';
import { RunEvents } from '../sync/run-events.js';
import { startSync } from '../sync/start-sync.js';
import type { SyncController } from '../sync/sync-controller.js';
import type { MetadataTables } from '../mlmd/metadata-tables.js';
import { openMetadataStore } from '../mlmd/open-metadata-store.js';
import { migrateToLatest } from '../store/migrate.js';
import { openStore, type StoreHandle } from '../store/store-handle.js';
import { KfpApiClient } from '../kfp/kfp-api-client.js';
import type { KfpModeParts } from '../kfp/kfp-mode-services.js';
import { openKfpDatabase } from '../kfp/open-kfp-database.js';
import { DEMO_USER } from '../demo/tenants.js';
import { loadGraphiqlAssets } from './graphiql-assets.js';
import { createGraphqlServer } from './graphql-server.js';
import { startGraphqlWsServer } from './graphql-ws-server.js';
import { createHttpHandler } from './http-handler.js';
import { TrustedDocuments } from './trusted-documents.js';
import { warningsPlugin } from './warnings-plugin.js';
import { createLogger, type Logger } from './logger.js';
import { ServerMetrics } from './metrics.js';

export interface RunningKfpGraph {
  readonly url: string;
  readonly port: number;
  readonly app: AppServices;
  readonly cluster: ClusterConnection;
  readonly authorizer: { readonly reviews: SubjectAccessReviewAuthorizer; readonly cache: CachingAuthorizer };
  /** The sync controller, when SYNC is on. */
  readonly sync: SyncController | null;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
  /** Where the emulator's admin kubeconfig is written (embedded mode). */
  readonly kubeconfigPath?: string;
  /** Use this store instead of opening DATABASE_URL (tests); it is migrated and not closed by `close()`. */
  readonly store?: StoreHandle;
  readonly metricsDefaults?: boolean;
}

/**
 * Starts everything in order, failing loudly at the first step that cannot work: store (migrated), cluster
 * (or the emulator), tenant directory, authorizer, GraphQL, HTTP. `close()` stops in reverse order.
 */
export async function startKfpGraph(config: Config, options: StartOptions = {}): Promise<RunningKfpGraph> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const store = options.store ?? openStore(config.DATABASE_URL);
    if (!options.store) cleanups.push(() => store.close());
    const applied = await migrateToLatest(store);
    if (applied.length > 0) logger.info('migrations applied', { migrations: applied });

    let metadataStore: StoreHandle<MetadataTables> | undefined;
    if (config.METADATA_DATABASE_URL) {
      const external = openMetadataStore(config.METADATA_DATABASE_URL);
      cleanups.push(() => external.close());
      metadataStore = external;
    }

    let kfp: KfpModeParts | undefined;
    if (config.KFP_MODE === 'kfp' && config.KFP_DATABASE_URL && config.KFP_API_URL) {
      const kfpDatabase = openKfpDatabase(config.KFP_DATABASE_URL);
      cleanups.push(() => kfpDatabase.close());
      kfp = {
        db: kfpDatabase.db,
        api: new KfpApiClient({ baseUrl: config.KFP_API_URL, timeoutMs: config.KFP_API_TIMEOUT_MS, userHeader: config.KUBEFLOW_USERID_HEADER, userPrefix: config.KUBEFLOW_USERID_PREFIX }),
        statements: kfpDatabase.statements,
      };
    }

    const cluster = await connectCluster(config.cluster, options.kubeconfigPath ? { kubeconfigPath: options.kubeconfigPath } : {});
    cleanups.push(() => cluster.close());
    const directory = await ProfileNamespaceDirectory.start(cluster.kubeConfig);
    cleanups.push(() => directory.stop());

    const reviews = new SubjectAccessReviewAuthorizer(cluster.kubeConfig.makeApiClient(AuthorizationV1Api), {
      timeoutMs: config.AUTHZ_TIMEOUT_MS,
      onError: (error, request) => logger.warn('SubjectAccessReview failed; denying', { error, request }),
    });
    const cache = new CachingAuthorizer(reviews, {
      allowedTtlMs: config.AUTHZ_ALLOWED_TTL_MS,
      deniedTtlMs: config.AUTHZ_DENIED_TTL_MS,
      maxEntries: config.AUTHZ_CACHE_SIZE,
    });
    const workflows = new KubeWorkflowClient(cluster.kubeConfig);
    const scheduledWorkflows = new KubeScheduledWorkflowClient(cluster.kubeConfig);
    const runEvents = new RunEvents();
    const app = createAppServices({
      config,
      store,
      ...(metadataStore ? { metadataStore } : {}),
      directory,
      authorizer: cache,
      workflows,
      scheduledWorkflows,
      runEvents,
      ...(kfp ? { kfp } : {}),
      onCleanupError: (error, what) => logger.error('cleanup failed; object left behind', { error, what }),
    });

    if (config.DEMO_SEED && app.mode === 'standalone' && (await seedDemoData(app))) logger.info('demo data seeded', { namespaces: directory.list() });

    let sync: SyncController | null = null;
    if (config.SYNC) {
      const controller = await startSync({
        config,
        kubeConfig: cluster.kubeConfig,
        store,
        directory,
        workflows,
        scheduledWorkflows,
        creatorAuthorizer: reviews,
        events: runEvents,
        logger: logger.child({ component: 'sync' }),
        ...(config.KFP_MODE === 'kfp' ? { publishOnly: true } : {}),
      });
      sync = controller;
      cleanups.push(() => controller.stop());
    }

    // Loaded before anything listens, so a bad manifest stops start-up with its path in the message.
    const trustedDocuments = config.TRUSTED_DOCUMENTS ? TrustedDocuments.load(config.TRUSTED_DOCUMENTS) : undefined;
    const metrics = new ServerMetrics(options.metricsDefaults ?? true);
    const schema = buildKfpSchema();
    const apollo = createGraphqlServer(schema, config, logger, metrics);
    apollo.addPlugin(warningsPlugin());
    await apollo.start();
    cleanups.push(() => apollo.stop());

    const versionApi = cluster.kubeConfig.makeApiClient(VersionApi);
    const tokens = new KubeTokenReviewer(cluster.kubeConfig.makeApiClient(AuthenticationV1Api), config.TOKEN_AUDIENCES);
    const handler = createHttpHandler({
      app,
      apollo,
      tokens,
      logger,
      metrics,
      readiness: async () => ({
        database: await sql`select 1`.execute(store.db).then(() => true, () => false),
        cluster: await versionApi.getCode().then(() => true, () => false),
        // kfp mode: every read is answered from KFP's database.
        ...(kfp ? { kfpDatabase: await sql`select 1`.execute(kfp.db).then(() => true, () => false) } : {}),
      }),
      ...(trustedDocuments ? { trustedDocuments } : {}),
      graphiql: config.GRAPHIQL
        ? { assets: loadGraphiqlAssets(), ...(cluster.emulator ? { defaultHeaders: { [config.KUBEFLOW_USERID_HEADER]: `${config.KUBEFLOW_USERID_PREFIX}${DEMO_USER}` } } : {}) }
        : null,
    });
    const server: Server = createServer({ requestTimeout: config.REQUEST_TIMEOUT_MS + 5_000 }, handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, () => resolve());
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 5_000).unref();
        }),
    );
    const subscriptions = startGraphqlWsServer(server, schema, app, tokens, logger);
    cleanups.push(() => subscriptions.close());
    const port = (server.address() as AddressInfo).port;
    const host = config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' ? 'localhost' : config.HOST;
    return {
      url: `http://${host}:${port}/graphql`,
      port,
      app,
      cluster,
      authorizer: { reviews, cache },
      sync,
      close: () => runCleanups(cleanups),
    };
  } catch (error) {
    await runCleanups(cleanups);
    throw error;
  }
}

async function runCleanups(cleanups: (() => Promise<void>)[]): Promise<void> {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch(() => undefined);
  }
  cleanups.length = 0;
}
