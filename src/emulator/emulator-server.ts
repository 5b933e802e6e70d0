import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CRD_FILES, loadCrds, type CrdDefinition } from '../kube/crd-schema/index.js';
import { EmulatorCluster } from './emulator-cluster.js';
import { asKubeObject, type KubeObject } from './kube-object.js';
import { kubeconfigYaml } from './kubeconfig-writer.js';
import { ObjectWriter } from './object-writer.js';
import { handleRequest, type RouterContext } from './request-router.js';
import { ApiError } from './status-error.js';
import { bootstrapPolicy } from './bootstrap-policy.js';
import { createSelfSignedCertificate } from './tls-certificate.js';

/**
 * The CRDs and KFP RBAC the emulator serves: byte-identical copies of the upstream files (test/fixtures/upstream/kubernetes) kept in
 * deploy/emulator (test/emulator/vendored-fixtures.test.ts checks), so `npm start` needs nothing outside the repo.
 */
export const DEFAULT_CRD_DIR = fileURLToPath(new URL('../../deploy/emulator/kubernetes/', import.meta.url));

export interface EmulatorOptions {
  /** Default 0: a free port chosen by the OS. Always bound to 127.0.0.1. */
  readonly port?: number;
  /** Directory of CRD YAML files; default {@link DEFAULT_CRD_DIR}. */
  readonly crdDir?: string;
  /** Which files of `crdDir` to load; default {@link DEFAULT_CRD_FILES} when crdDir is the default, else all. */
  readonly crdFiles?: readonly string[];
  /** Already-parsed CRDs, instead of reading files. */
  readonly crds?: readonly CrdDefinition[];
  /** Objects written at start, in order (see `demoSeed()` and `loadSeedDirectory()`). */
  readonly seed?: readonly unknown[];
  /** Events kept for watch resumption; older resourceVersions get 410 Gone. Default 1000. */
  readonly watchHistorySize?: number;
  /** BOOKMARK period for `allowWatchBookmarks=true` watches. Default 60 s. */
  readonly bookmarkIntervalMs?: number;
  /** Clock, in ms since the epoch (token expiry, timestamps). Default Date.now. */
  readonly now?: () => number;
  /**
   * Default `https` with a fresh self-signed certificate: kubectl sends no credentials to an http server.
   * `http` suits curl and client-node, not kubectl.
   */
  readonly protocol?: 'https' | 'http';
}

export interface KubeconfigOptions {
  /** Default: the admin token. */
  readonly token?: string;
  /** The kubeconfig user entry's name. Default `kubernetes-admin`. */
  readonly user?: string;
  readonly namespace?: string;
}

export interface RunningEmulator {
  /** `https://127.0.0.1:PORT` (or http) */
  readonly url: string;
  /** PEM of the self-signed serving certificate (its own CA); undefined over http. */
  readonly caPem: string | undefined;
  readonly port: number;
  /** Bearer token of `kubernetes-admin` (group `system:masters`): allowed everything. */
  readonly adminToken: string;
  /** The in-process cluster state, for tests that want to look behind the API. */
  readonly cluster: EmulatorCluster;
  kubeconfigYaml(options?: KubeconfigOptions): string;
  /** Write a kubeconfig (creating the directory) for `kubectl --kubeconfig PATH`. */
  writeKubeconfig(path: string, options?: KubeconfigOptions): void;
  /**
   * A bound ServiceAccount token, as TokenRequest issues it but with any lifetime (tests use seconds).
   * Default audience: the API server's own; default lifetime one hour.
   */
  issueToken(namespace: string, serviceAccount: string, audiences?: readonly string[], expirationSeconds?: number): string;
  /** Create or replace objects as the admin would (`kubectl apply`), bypassing authorization. */
  apply(objects: readonly unknown[]): KubeObject[];
  close(): Promise<void>;
}

/**
 * Start the Kubernetes API emulator: a real HTTP server that kubectl and @kubernetes/client-node talk to.
 *
 * @example
 *   const emu = await startEmulator({ seed: demoSeed() });
 *   const kc = new KubeConfig();
 *   kc.loadFromString(emu.kubeconfigYaml({ token: emu.issueToken('kubeflow', 'ml-pipeline') }));
 *   // … kc.makeApiClient(CustomObjectsApi) …
 *   await emu.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const crdDir = options.crdDir ?? DEFAULT_CRD_DIR;
  const crds = options.crds ?? loadCrds(crdDir, options.crdFiles ?? (options.crdDir === undefined ? DEFAULT_CRD_FILES : undefined));
  const cluster = new EmulatorCluster({ crds: [], historySize: options.watchHistorySize ?? 1000, now: options.now ?? Date.now });
  const writer = new ObjectWriter(cluster);
  const apply = (objects: readonly unknown[]): KubeObject[] => objects.map((o) => applyOne(cluster, writer, o));
  // CRDs are stored like any object so `kubectl get crd` lists them; storing one registers its resources.
  apply(crds.map((crd) => crd.source));
  // kube-apiserver's bootstrap roles exist before anything a seed brings, and whatever it brings.
  apply(bootstrapPolicy());
  if (options.seed) apply(options.seed);

  const ctx: RouterContext = { cluster, writer, watch: { bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000 }, openWatches: new Set() };
  const handler = (req: Parameters<typeof handleRequest>[1], res: Parameters<typeof handleRequest>[2]): void => void handleRequest(ctx, req, res);
  const tls = options.protocol === 'http' ? undefined : createSelfSignedCertificate();
  const server: Server = tls ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const kubeconfig = (o: KubeconfigOptions = {}): string =>
    kubeconfigYaml({ server: url, token: o.token ?? cluster.adminToken, user: o.user, namespace: o.namespace, caPem: tls?.certPem });

  return {
    url,
    port,
    caPem: tls?.certPem,
    adminToken: cluster.adminToken,
    cluster,
    kubeconfigYaml: kubeconfig,
    writeKubeconfig(path, o) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, kubeconfig(o), { mode: 0o600 });
    },
    issueToken(namespace, serviceAccount, audiences = [], expirationSeconds = 3600) {
      const issued = cluster.issueToken(namespace, serviceAccount, audiences, expirationSeconds);
      if (!issued) throw new Error(`serviceaccount ${namespace}/${serviceAccount} does not exist`);
      return issued.token;
    },
    apply,
    close() {
      for (const end of ctx.openWatches) end();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** Create, or replace keeping identity (uid, creationTimestamp), one object given with apiVersion and kind. */
function applyOne(cluster: EmulatorCluster, writer: ObjectWriter, raw: unknown): KubeObject {
  const object = asKubeObject(raw);
  const type =
    object && typeof object.apiVersion === 'string' && typeof object.kind === 'string' ? cluster.registry.byKind(object.apiVersion, object.kind) : undefined;
  if (!object || !type) {
    throw new Error(`cannot apply ${JSON.stringify(object?.apiVersion)} ${JSON.stringify(object?.kind)}: not a served kind`);
  }
  const namespace = type.namespaced ? (object.metadata.namespace ?? 'default') : '';
  const name = object.metadata.name ?? '';
  const current = name ? cluster.store.get(type.storageKey, namespace, name) : undefined;
  try {
    if (!current) return writer.create(type, namespace, object);
    return writer.update(type, namespace, name, { ...object, metadata: { ...object.metadata, resourceVersion: current.metadata.resourceVersion } });
  } catch (error) {
    if (error instanceof ApiError) throw new Error(`apply ${object.kind} ${namespace}/${name}: ${error.message}`);
    throw error;
  }
}
