import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthenticationV1Api, AuthorizationV1Api, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import { sql } from 'kysely';
import { buildKfpSchema } from '../../resolvers/build-schema.js';
import { createAppServices, type AppServices } from '../app/app-services.js';
import { claimDataFolder } from '../app/data-folder.js';
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
import { checkKubeconfig, listenOrExplain, openCheckedStore } from './startup-checks.js';
import { createLogger, type Logger } from './logger.js';
import { ServerMetrics } from './metrics.js';
import { readinessChecks } from './readiness-checks.js';

import { startMetricsServer } from './metrics-server.js';
import { observedTokenReviewer } from './observed-token-reviewer.js';
import { OperationGate } from './operation-gate.js';

/** Under the Deployment's readiness `timeoutSeconds` (2), so a hung dependency reads as "no", not as a timeout. */
const READINESS_TIMEOUT_MS = 1_500;

export interface RunningKfpGraph {
  readonly url: string;
  readonly port: number;
  /** Prometheus metrics, on their own port (METRICS_PORT). */
  readonly metricsUrl: string;
  readonly app: AppServices;
  readonly cluster: ClusterConnection;
  readonly authorizer: { readonly reviews: SubjectAccessReviewAuthorizer; readonly cache: CachingAuthorizer };
  /** The sync controller, when SYNC is on. */
  readonly sync: SyncController | null;
  /** Where the emulator's admin kubeconfig was written, when it was. */
  readonly kubeconfigPath: string | null;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
  /**
   * The instance's own folder (DATA_DIR, `npm start`): claimed for this process, and with the emulator its admin
   * kubeconfig is written there. Unset (tests): nothing is claimed or written.
   */
  readonly dataFolder?: string;
  /** Use this store instead of opening DATABASE_URL (tests); it is migrated and not closed by `close()`. */
  readonly store?: StoreHandle;
  readonly metricsDefaults?: boolean;
  /**
   * Where TokenReviews go, when not to the cluster kfp-graph uses for everything else (tests point it at an
   * API server that never answers).
   */
  readonly tokenReviewKubeConfig?: KubeConfig;
}

/** Until start-up is done: alive, not ready, and every other request asked to come back. */
function startingHandler(req: IncomingMessage, res: ServerResponse): void {
  const alive = req.url === '/healthz';
  res.writeHead(alive ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...(alive ? {} : { 'retry-after': '1' }) });
  res.end(alive ? 'ok\n' : 'starting\n');
}

/**
 * Starts everything in order, failing at the first step that cannot work. The cheap checks an operator can get
 * wrong come first, each a StartupError naming the setting (KUBECONFIG, DATA_DIR, PORT, DATABASE_URL), so none
 * waits behind slow work: then migrations, cluster (or the emulator), tenant directory, authorizer, sync
 * (leader election), GraphQL. The port is bound first and answers 503 until the real handler is in place.
 * `close()` stops in reverse order.
 */
export async function startKfpGraph(config: Config, options: StartOptions = {}): Promise<RunningKfpGraph> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const cleanups: (() => Promise<void>)[] = [];
  try {
    if (config.cluster.mode === 'kubeconfig') checkKubeconfig(config.cluster.path);
    let kubeconfigPath: string | null = null;
    if (options.dataFolder && config.cluster.mode === 'emulator') {
      const folder = claimDataFolder(options.dataFolder);
      cleanups.push(async () => folder.release());
      kubeconfigPath = folder.kubeconfigPath;
    }
    let handler: (req: IncomingMessage, res: ServerResponse) => void = startingHandler;
    const server: Server = createServer({ requestTimeout: config.REQUEST_TIMEOUT_MS + 5_000 }, (req, res) => handler(req, res));
    await listenOrExplain(server, config.PORT, config.HOST);
    const closeServer = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      });
    cleanups.push(closeServer);

    // A dropped connection is absorbed by the pool (the statement on it fails as UNAVAILABLE); it is logged.
    const store =
      options.store ??
      (await openCheckedStore('DATABASE_URL', config.DATABASE_URL, () =>
        openStore(config.DATABASE_URL, { onConnectionError: (error) => logger.warn('database connection lost; the pool reconnects', { error }) }),
      ));
    if (!options.store) cleanups.push(() => store.close());
    let metadataStore: StoreHandle<MetadataTables> | undefined;
    if (config.METADATA_DATABASE_URL) {
      const url = config.METADATA_DATABASE_URL;
      const external = await openCheckedStore('METADATA_DATABASE_URL', url, () =>
        openMetadataStore(url, (error) => logger.warn('metadata database connection lost; the pool reconnects', { error })),
      );
      cleanups.push(() => external.close());
      metadataStore = external;
    }
    const applied = await migrateToLatest(store);
    if (applied.length > 0) logger.info('migrations applied', { migrations: applied });

    let kfp: KfpModeParts | undefined;
    if (config.KFP_MODE === 'kfp' && config.KFP_DATABASE_URL && config.KFP_API_URL) {
      const kfpDatabase = openKfpDatabase(config.KFP_DATABASE_URL);
      cleanups.push(() => kfpDatabase.close());
      kfp = {
        db: kfpDatabase.db,
        api: new KfpApiClient({
          baseUrl: config.KFP_API_URL,
          timeoutMs: config.KFP_API_TIMEOUT_MS,
          userHeader: config.KUBEFLOW_USERID_HEADER,
          userPrefix: config.KUBEFLOW_USERID_PREFIX,
        }),
        statements: kfpDatabase.statements,
      };
    }

    const cluster = await connectCluster(config.cluster, kubeconfigPath ? { kubeconfigPath } : {});
    cleanups.push(() => cluster.close());
    const directory = await ProfileNamespaceDirectory.start(cluster.kubeConfig, {
      maxStalenessMs: config.NAMESPACE_DIRECTORY_MAX_STALENESS_MS,
      logger: logger.child({ component: 'namespace-directory' }),
    });
    cleanups.push(() => directory.stop());

    const metrics = new ServerMetrics(options.metricsDefaults ?? true);
    const reviews = new SubjectAccessReviewAuthorizer(cluster.kubeConfig.makeApiClient(AuthorizationV1Api), {
      timeoutMs: config.AUTHZ_TIMEOUT_MS,
      onError: (error, request) => logger.warn('SubjectAccessReview failed; denying', { error, request }),
      onReviewed: (outcome, seconds) => {
        metrics.accessReviews.inc({ outcome });
        metrics.accessReviewDuration.observe(seconds);
      },
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
    const schema = buildKfpSchema();
    const tokens = observedTokenReviewer(
      new KubeTokenReviewer(
        (options.tokenReviewKubeConfig ?? cluster.kubeConfig).makeApiClient(AuthenticationV1Api),
        config.TOKEN_AUDIENCES,
        config.TOKEN_REVIEW_TIMEOUT_MS,
      ),
      metrics,
    );
    const gate = new OperationGate({ schema, config, tokens, ...(trustedDocuments ? { trustedDocuments } : {}), metrics, logger });
    const apollo = createGraphqlServer(schema, gate, logger);
    apollo.addPlugin(warningsPlugin());
    await apollo.start();
    cleanups.push(() => apollo.stop());

    const versionApi = cluster.kubeConfig.makeApiClient(VersionApi);
    handler = createHttpHandler({
      app,
      apollo,
      gate,
      logger,
      metrics,
      readiness: readinessChecks({
        database: () => sql`select 1`.execute(store.db),
        cluster: () => versionApi.getCode(),
        namespaces: () => directory.isAvailable(),
        // kfp mode: every read is answered from KFP's database, so this replica needs it like its own.
        ...(kfp ? { kfpDatabase: () => sql`select 1`.execute(kfp.db) } : {}),
        timeoutMs: READINESS_TIMEOUT_MS,
      }),
      graphiql: config.GRAPHIQL
        ? {
            assets: loadGraphiqlAssets(),
            ...(cluster.emulator ? { defaultHeaders: { [config.KUBEFLOW_USERID_HEADER]: `${config.KUBEFLOW_USERID_PREFIX}${DEMO_USER}` } } : {}),
          }
        : null,
    });
    // Stop taking requests first on close: the server's cleanup moves after everything it serves.
    cleanups.splice(cleanups.indexOf(closeServer), 1);
    cleanups.push(closeServer);
    const subscriptions = startGraphqlWsServer(server, schema, app, gate, logger);
    cleanups.push(() => subscriptions.close());
    metrics.observe({
      decisionCache: () => cache.stats,
      ...(sync ? { sync: () => (sync as SyncController).stats } : {}),
      pools: {
        ...(store.pool ? { kfp: store.pool } : {}),
        ...(metadataStore?.pool ? { metadata: metadataStore.pool } : {}),
      },
      openSubscriptions: subscriptions.openSubscriptions,
    });
    const metricsServer = await startMetricsServer(metrics, config.METRICS_PORT, config.METRICS_HOST);
    cleanups.push(() => metricsServer.close());
    const port = (server.address() as AddressInfo).port;
    const host = config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' ? 'localhost' : config.HOST;
    return {
      url: `http://${host}:${port}/graphql`,
      port,
      metricsUrl: metricsServer.url,
      app,
      cluster,
      authorizer: { reviews, cache },
      sync,
      kubeconfigPath,
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
