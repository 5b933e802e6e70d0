import 'reflect-metadata';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config/config.js';
import { createLogger } from './server/logger.js';
import { startKfpGraph } from './server/kfp-graph-server.js';
import { redactUrl, StartupError } from './server/startup-error.js';

/** `npm start`: validate settings, start, print where to go; stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`kfp-graph: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  let server: Awaited<ReturnType<typeof startKfpGraph>>;
  try {
    server = await startKfpGraph(config, { logger, dataFolder: resolve(config.DATA_DIR) });
  } catch (error) {
    // What the operator can fix: one line naming the setting, no stack, exit 2 (as for a bad setting).
    if (error instanceof StartupError) {
      process.stderr.write(`kfp-graph: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  logger.info('kfp-graph listening', { url: server.url, metrics: server.metricsUrl, database: redactUrl(config.DATABASE_URL), cluster: config.cluster.mode });
  process.stdout.write(`\nkfp-graph is ready: open ${server.url} (GraphiQL in a browser)\n`);
  if (server.cluster.emulator) {
    const kubeconfig = server.kubeconfigPath ? ` kubeconfig: ${server.kubeconfigPath}; kubectl --kubeconfig ${server.kubeconfigPath} get profiles` : '';
    process.stdout.write(`Kubernetes API emulator at ${server.cluster.emulator.url};${kubeconfig}\n\n`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`kfp-graph failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
