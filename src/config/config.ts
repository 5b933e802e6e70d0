import { isAbsolute, join } from 'node:path';
import { z } from 'zod';

/**
 * Every setting of kfp-graph, validated once at start-up. KFP's own variable names are accepted where KFP has
 * one (KUBEFLOW_USERID_HEADER, KUBEFLOW_USERID_PREFIX) so an existing deployment's environment carries over.
 * Switches that weaken security are named `DANGEROUSLY_…` so nobody turns one on by accident.
 */

const flag = z.stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no'] });
const positiveInt = z.coerce.number().int().positive();
const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

const databaseUrl = z.string().refine((value) => /^(sqlite:|postgres:\/\/|postgresql:\/\/|mysql:\/\/|mariadb:\/\/)/.test(value), {
  message: 'must start with sqlite:, postgres://, postgresql://, mysql:// or mariadb://',
});

const kfpDatabaseUrl = z.string().refine((value) => /^(postgres:\/\/|postgresql:\/\/|mysql:\/\/|mariadb:\/\/)/.test(value), {
  // KFP's API server supports MySQL and PostgreSQL only (backend/src/apiserver/client_manager/client_manager.go).
  message: "must start with mysql://, mariadb://, postgres:// or postgresql:// (KFP's mlpipeline database)",
});

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' });

const settings = z
  .object({
    /**
     * standalone: kfp-graph owns its runs (own store, own Workflows). kfp: serve an existing Kubeflow Pipelines
     * installation: reads from its mlpipeline database, writes through its REST API.
     */
    KFP_MODE: z.enum(['standalone', 'kfp']).default('standalone'),
    /** kfp mode: KFP's own database (read-only), e.g. mysql://reader@mysql.kubeflow:3306/mlpipeline. */
    KFP_DATABASE_URL: kfpDatabaseUrl.optional(),
    /** kfp mode: KFP's API server, e.g. http://ml-pipeline.kubeflow:8888; every write goes there. */
    KFP_API_URL: httpUrl.optional(),
    KFP_API_TIMEOUT_MS: positiveInt.default(10_000),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    HOST: z.string().min(1).optional(),
    /** The embedded instance's own folder: its default SQLite file and the emulator's kubeconfig. */
    DATA_DIR: z.string().min(1).default('data'),
    /** Default: `sqlite:./<DATA_DIR>/kfp-graph.sqlite`. */
    DATABASE_URL: databaseUrl.optional(),
    METADATA_DATABASE_URL: databaseUrl.optional(),
    /** Seed the embedded database with the demo tenants' pipelines, runs and lineage on first start. */
    DEMO_SEED: flag.optional(),

    KUBECONFIG: z.string().min(1).optional(),
    KUBERNETES_SERVICE_HOST: z.string().min(1).optional(),
    KFP_GRAPH_SEED: z.string().min(1).optional(),
    EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    /** How long the tenant-namespace directory answers from its cache after its watch broke; then UNAVAILABLE. */
    NAMESPACE_DIRECTORY_MAX_STALENESS_MS: z.coerce.number().int().min(0).default(10_000),

    KUBEFLOW_USERID_HEADER: z.string().min(1).default('kubeflow-userid'),
    KUBEFLOW_USERID_PREFIX: z.string().default(''),
    /** Comma-separated groups from the auth proxy; off unless named, because only a proxy may set it. */
    KUBEFLOW_GROUPS_HEADER: z.string().default(''),
    TOKEN_AUDIENCES: list.default(['pipelines.kubeflow.org']),
    DANGEROUSLY_ALLOW_ANONYMOUS_USER: z.string().min(1).optional(),

    CONTROL_PLANE_NAMESPACE: z.string().min(1).default('kubeflow'),
    AUTHZ_ALLOWED_TTL_MS: z.coerce.number().int().min(0).default(300_000),
    AUTHZ_DENIED_TTL_MS: z.coerce.number().int().min(0).default(30_000),
    AUTHZ_CACHE_SIZE: positiveInt.default(10_000),
    AUTHZ_TIMEOUT_MS: positiveInt.default(2_000),
    /** How long a bearer token's TokenReview may take; AUTHZ_TIMEOUT_MS unless set. */
    TOKEN_REVIEW_TIMEOUT_MS: positiveInt.optional(),

    RUNNER_SERVICE_ACCOUNT: z.string().min(1).default('default-editor'),
    ALLOWED_SERVICE_ACCOUNTS: list.default([]),
    DANGEROUSLY_ALLOW_HOST_PATH: flag.default(false),
    DANGEROUSLY_ALLOW_PRIVILEGED: flag.default(false),
    DANGEROUSLY_ALLOW_HOST_NAMESPACES: flag.default(false),
    DANGEROUSLY_ALLOW_POD_SPEC_PATCH: flag.default(false),

    DEFAULT_PAGE_SIZE: positiveInt.default(20),
    MAX_PAGE_SIZE: positiveInt.default(200),
    MAX_DEPTH: positiveInt.default(12),
    // graphql-armor's weights; 50,000 since page sizes given as variables count too (the codegen dashboard
    // queries cost 21,000 with their declared defaults, where armor alone had counted each `first: $n` as 1).
    MAX_COST: positiveInt.default(50_000),
    MAX_ALIASES: positiveInt.default(30),
    MAX_TOKENS: positiveInt.default(5_000),
    MAX_BODY_BYTES: positiveInt.default(1_048_576),
    MAX_SPEC_BYTES: positiveInt.default(1_048_576),
    MAX_LINEAGE_DEPTH: positiveInt.default(10),
    /** Every String/ID argument and input field (names, IDs, filters, cron…); see src/validation/input-limits.ts. */
    MAX_STRING_LENGTH: positiveInt.default(256),
    /** Descriptions, URI prefixes and strings inside JSON inputs (run parameters). */
    MAX_TEXT_LENGTH: positiveInt.default(10_000),
    /** Nesting of JSON inputs (run parameters, federation representations). */
    MAX_JSON_DEPTH: positiveInt.default(32),
    /** Items of a list argument (`nodes(ids:)`, `_entities(representations:)`). */
    MAX_LIST_LENGTH: positiveInt.default(1_000),
    REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
    /** `production` turns GraphiQL and introspection off unless GRAPHIQL / INTROSPECTION say otherwise. */
    NODE_ENV: z.string().optional(),
    GRAPHIQL: flag.optional(),
    /** Schema introspection (`__schema`, `__type`); default on, off when NODE_ENV=production. */
    INTROSPECTION: flag.optional(),
    /** A persisted-documents.json manifest: when set, only those operations run. */
    TRUSTED_DOCUMENTS: z.string().min(1).optional(),
    /** Other origins (scheme://host[:port]) whose pages may open subscriptions; the same host always may. */
    ALLOWED_ORIGINS: list.default([]),
    /** Largest WebSocket message accepted; a bigger one closes the socket (1009), as MAX_BODY_BYTES answers 413. */
    WEBSOCKET_MAX_MESSAGE_BYTES: positiveInt.default(65_536),
    /** Operations one WebSocket may have open at once, and subscriptions open across all sockets of the process. */
    MAX_SUBSCRIPTIONS_PER_CONNECTION: positiveInt.default(20),
    MAX_SUBSCRIPTIONS: positiveInt.default(5_000),
    /** Over the socket only `subscription` runs unless this is on: queries and mutations belong on HTTP. */
    WEBSOCKET_ALLOW_QUERIES_AND_MUTATIONS: flag.default(false),

    /** Prometheus `/metrics` is served on this port only (never the API port the gateway routes); default 9464, 0 when PORT is 0. */
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    /** Where the metrics port listens; default HOST. */
    METRICS_HOST: z.string().min(1).optional(),
    /** Operation names kept as the `operation` label besides the trusted documents' own; all others are `other`. */
    METRICS_OPERATION_NAMES: list.default([]),

    /** How long kfp-graph waits for the cluster to accept a Workflow before undoing the run it belongs to. */
    CLUSTER_WRITE_TIMEOUT_MS: positiveInt.default(10_000),
    /**
     * How old a kfp-graph-labelled Workflow without a run, or a run still pending creation, must be before the
     * reconciler settles it (KFP's persistence agent likewise leaves young workflows alone).
     */
    RUN_RECONCILE_GRACE_SECONDS: positiveInt.default(300),
    RUN_RECONCILE_INTERVAL_SECONDS: positiveInt.default(60),
    /** How long a create mutation's requestId is remembered (Stripe keeps idempotency keys 24 hours). */
    IDEMPOTENCY_KEY_TTL_SECONDS: positiveInt.default(86_400),

    SYNC: flag.default(true),
    /** How long `Run.workflow` waits for the live Workflow before answering with the stored snapshot. */
    WORKFLOW_READ_TIMEOUT_MS: positiveInt.default(3_000),
    LEADER_ELECTION_NAMESPACE: z.string().min(1).optional(),
    LEASE_DURATION_MS: positiveInt.default(15_000),
    POD_NAME: z.string().min(1).optional(),

    ARTIFACT_S3_ENDPOINT: z.url().optional(),
    ARTIFACT_S3_REGION: z.string().min(1).default('us-east-1'),
    ARTIFACT_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    ARTIFACT_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    /**
     * Where a tenant's artifacts may live; `{namespace}` is replaced. A URI outside it gets no download URL. The
     * default is the prefix KFP >= 2.15's profile controller gives each namespace (its pipeline root
     * `minio://mlpipeline/private-artifacts/{namespace}/v2/artifacts` and Argo's keyFormat both sit under it).
     */
    ARTIFACT_PREFIX_TEMPLATE: z.string().min(1).default('minio://mlpipeline/private-artifacts/{namespace}/'),
    /**
     * KFP <= 2.14 wrote every namespace's artifacts under one `minio://mlpipeline/v2/artifacts/`: a template without
     * `{namespace}` is accepted only with this switch, and the tenant check then rests on the artifact's run context
     * and `readArtifact` alone, as KFP's does.
     */
    DANGEROUSLY_ALLOW_SHARED_ARTIFACT_PREFIX: flag.default(false),
    ARTIFACT_URL_TTL_SECONDS: positiveInt.max(604_800).default(900),
    /**
     * A namespace's pipeline root, as KFP >= 2.15's profile controller writes it into the namespace's kfp-launcher
     * ConfigMap (`defaultPipelineRoot`); `{namespace}` is replaced. The sync controller records
     * `<root>/<pipeline>/<run ID>` as the run context's `pipeline_root`, as KFP's root driver does.
     */
    PIPELINE_ROOT_TEMPLATE: z.string().min(1).default('minio://mlpipeline/private-artifacts/{namespace}/v2/artifacts'),

    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  })
  .superRefine((value, ctx) => {
    if (value.KFP_MODE === 'kfp') {
      for (const key of ['KFP_DATABASE_URL', 'KFP_API_URL'] as const) {
        if (value[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when KFP_MODE=kfp' });
      }
    }
    if (value.DEFAULT_PAGE_SIZE > value.MAX_PAGE_SIZE) {
      ctx.addIssue({ code: 'custom', path: ['DEFAULT_PAGE_SIZE'], message: 'must not exceed MAX_PAGE_SIZE' });
    }
    const s3 = [value.ARTIFACT_S3_ACCESS_KEY_ID, value.ARTIFACT_S3_SECRET_ACCESS_KEY];
    if (s3.some((v) => v !== undefined) && s3.some((v) => v === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ARTIFACT_S3_SECRET_ACCESS_KEY'],
        message: 'ARTIFACT_S3_ACCESS_KEY_ID and ARTIFACT_S3_SECRET_ACCESS_KEY go together',
      });
    }
    if (!value.ARTIFACT_PREFIX_TEMPLATE.includes('{namespace}') && !value.DANGEROUSLY_ALLOW_SHARED_ARTIFACT_PREFIX) {
      ctx.addIssue({
        code: 'custom',
        path: ['ARTIFACT_PREFIX_TEMPLATE'],
        message:
          "must contain {namespace} so that tenants never share a prefix (set DANGEROUSLY_ALLOW_SHARED_ARTIFACT_PREFIX=true for KFP <= 2.14's shared minio://mlpipeline/v2/artifacts/)",
      });
    }
  });

type Settings = z.output<typeof settings>;

/** Where Kubernetes comes from: a kubeconfig, the pod's own service account, or the built-in emulator. */
export type ClusterSource =
  | { readonly mode: 'kubeconfig'; readonly path: string }
  | { readonly mode: 'in-cluster' }
  | { readonly mode: 'emulator'; readonly port: number; readonly seedDirectory?: string };

export interface Config
  extends Readonly<
    Omit<Settings, 'HOST' | 'DEMO_SEED' | 'DATABASE_URL' | 'METRICS_PORT' | 'METRICS_HOST' | 'TOKEN_REVIEW_TIMEOUT_MS' | 'GRAPHIQL' | 'INTROSPECTION'>
  > {
  readonly HOST: string;
  readonly DATABASE_URL: string;
  readonly METRICS_PORT: number;
  readonly METRICS_HOST: string;
  readonly DEMO_SEED: boolean;
  readonly TOKEN_REVIEW_TIMEOUT_MS: number;
  readonly GRAPHIQL: boolean;
  readonly INTROSPECTION: boolean;
  readonly cluster: ClusterSource;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads `--seed DIR` (the only command-line option) so `npm start -- --seed DIR` works. */
function seedFromArgv(argv: readonly string[]): string | undefined {
  const index = argv.indexOf('--seed');
  if (index === -1) return undefined;
  const dir = argv[index + 1];
  if (dir === undefined || dir.startsWith('--')) throw new ConfigError(['--seed: needs a directory']);
  return dir;
}

/** Validates the environment; throws ConfigError naming every bad setting at once. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env, argv: readonly string[] = process.argv.slice(2)): Config {
  const unknownArgs = argv.filter((arg, i) => arg.startsWith('--') && arg !== '--seed' && argv[i - 1] !== '--seed');
  if (unknownArgs.length > 0) throw new ConfigError(unknownArgs.map((arg) => `${arg}: unknown option`));

  // Empty strings mean "unset", as in a Kubernetes manifest that templated a missing value.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = settings.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`));
  }
  const value = parsed.data;
  const seedDirectory = seedFromArgv(argv) ?? value.KFP_GRAPH_SEED;
  const cluster: ClusterSource = value.KUBECONFIG
    ? { mode: 'kubeconfig', path: value.KUBECONFIG }
    : value.KUBERNETES_SERVICE_HOST
      ? { mode: 'in-cluster' }
      : { mode: 'emulator', port: value.EMULATOR_PORT, ...(seedDirectory ? { seedDirectory } : {}) };
  if (seedDirectory !== undefined && cluster.mode !== 'emulator') {
    throw new ConfigError(['--seed/KFP_GRAPH_SEED: only the built-in emulator is seeded; unset KUBECONFIG']);
  }
  const embedded = cluster.mode === 'emulator';
  const databaseUrl = value.DATABASE_URL ?? `sqlite:${isAbsolute(value.DATA_DIR) ? '' : './'}${join(value.DATA_DIR, 'kfp-graph.sqlite')}`;
  // The embedded default is a developer's laptop: listen on loopback only. In a pod, every interface.
  const host = value.HOST ?? (embedded ? '127.0.0.1' : '0.0.0.0');
  if (value.METRICS_PORT !== undefined && value.METRICS_PORT !== 0 && value.METRICS_PORT === value.PORT) {
    throw new ConfigError(['METRICS_PORT: must differ from PORT: metrics are never served where the API is']);
  }
  // A production server tells strangers nothing about its schema by default (OWASP GraphQL cheat sheet:
  // "disable introspection"); the schema is published in schema/schema.graphql for those who need it.
  const production = value.NODE_ENV === 'production';
  const introspection = value.INTROSPECTION ?? !production;
  const graphiql = value.GRAPHIQL ?? !production;
  if (graphiql && !introspection) {
    throw new ConfigError(['GRAPHIQL: GraphiQL reads the schema by introspection; set INTROSPECTION=true too, or GRAPHIQL=false']);
  }
  return Object.freeze({
    ...value,
    DATABASE_URL: databaseUrl,
    HOST: host,
    // A server on an ephemeral port (tests, benchmarks) gets an ephemeral metrics port too, so two never collide.
    METRICS_PORT: value.METRICS_PORT ?? (value.PORT === 0 ? 0 : 9464),
    METRICS_HOST: value.METRICS_HOST ?? host,
    // Identity is bounded like authorization: both are questions to the same API server.
    TOKEN_REVIEW_TIMEOUT_MS: value.TOKEN_REVIEW_TIMEOUT_MS ?? value.AUTHZ_TIMEOUT_MS,
    DEMO_SEED: value.DEMO_SEED ?? (embedded && databaseUrl.startsWith('sqlite:') && seedDirectory === undefined),
    GRAPHIQL: graphiql,
    INTROSPECTION: introspection,
    cluster,
  });
}
