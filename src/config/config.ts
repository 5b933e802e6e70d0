import { z } from 'zod';

/**
 * Every setting of kfp-graph, validated once at start-up. KFP's own variable names are accepted where KFP has
 * one (KUBEFLOW_USERID_HEADER, KUBEFLOW_USERID_PREFIX) so an existing deployment's environment carries over.
 * Switches that weaken security are named `DANGEROUSLY_…` so nobody turns one on by accident.
 */

const flag = z.stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no'] });
const positiveInt = z.coerce.number().int().positive();
const list = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const databaseUrl = z
  .string()
  .refine((value) => /^(sqlite:|postgres:\/\/|postgresql:\/\/|mysql:\/\/|mariadb:\/\/)/.test(value), {
    message: 'must start with sqlite:, postgres://, postgresql://, mysql:// or mariadb://',
  });

const kfpDatabaseUrl = z
  .string()
  .refine((value) => /^(postgres:\/\/|postgresql:\/\/|mysql:\/\/|mariadb:\/\/)/.test(value), {
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
    DATABASE_URL: databaseUrl.default('sqlite:./data/kfp-graph.sqlite'),
    METADATA_DATABASE_URL: databaseUrl.optional(),
    /** Seed the embedded database with the demo tenants' pipelines, runs and lineage on first start. */
    DEMO_SEED: flag.optional(),

    KUBECONFIG: z.string().min(1).optional(),
    KUBERNETES_SERVICE_HOST: z.string().min(1).optional(),
    KFP_GRAPH_SEED: z.string().min(1).optional(),
    EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(0),

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

    RUNNER_SERVICE_ACCOUNT: z.string().min(1).default('default-editor'),
    ALLOWED_SERVICE_ACCOUNTS: list.default([]),
    DANGEROUSLY_ALLOW_HOST_PATH: flag.default(false),
    DANGEROUSLY_ALLOW_PRIVILEGED: flag.default(false),
    DANGEROUSLY_ALLOW_HOST_NAMESPACES: flag.default(false),
    DANGEROUSLY_ALLOW_POD_SPEC_PATCH: flag.default(false),

    DEFAULT_PAGE_SIZE: positiveInt.default(20),
    MAX_PAGE_SIZE: positiveInt.default(200),
    MAX_DEPTH: positiveInt.default(12),
    MAX_COST: positiveInt.default(20_000),
    MAX_ALIASES: positiveInt.default(30),
    MAX_TOKENS: positiveInt.default(5_000),
    MAX_BODY_BYTES: positiveInt.default(1_048_576),
    MAX_SPEC_BYTES: positiveInt.default(1_048_576),
    MAX_LINEAGE_DEPTH: positiveInt.default(10),
    REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
    GRAPHIQL: flag.default(true),
    /** A persisted-documents.json manifest: when set, only those operations run. */
    TRUSTED_DOCUMENTS: z.string().min(1).optional(),
    /** Other origins (scheme://host[:port]) whose pages may open subscriptions; the same host always may. */
    ALLOWED_ORIGINS: list.default([]),

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
    /** Where a tenant's artifacts may live; `{namespace}` is replaced. A URI outside it gets no download URL. */
    ARTIFACT_PREFIX_TEMPLATE: z.string().min(1).default('s3://mlpipeline/v2/artifacts/{namespace}/'),
    ARTIFACT_URL_TTL_SECONDS: positiveInt.max(604_800).default(900),

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
    if (!value.ARTIFACT_PREFIX_TEMPLATE.includes('{namespace}')) {
      ctx.addIssue({
        code: 'custom',
        path: ['ARTIFACT_PREFIX_TEMPLATE'],
        message: 'must contain {namespace} so that tenants never share a prefix',
      });
    }
  });

type Settings = z.output<typeof settings>;

/** Where Kubernetes comes from: a kubeconfig, the pod's own service account, or the built-in emulator. */
export type ClusterSource =
  | { readonly mode: 'kubeconfig'; readonly path: string }
  | { readonly mode: 'in-cluster' }
  | { readonly mode: 'emulator'; readonly port: number; readonly seedDirectory?: string };

export interface Config extends Readonly<Omit<Settings, 'HOST' | 'DEMO_SEED'>> {
  readonly HOST: string;
  readonly DEMO_SEED: boolean;
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
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  argv: readonly string[] = process.argv.slice(2),
): Config {
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
  return Object.freeze({
    ...value,
    // The embedded default is a developer's laptop: listen on loopback only. In a pod, every interface.
    HOST: value.HOST ?? (embedded ? '127.0.0.1' : '0.0.0.0'),
    DEMO_SEED: value.DEMO_SEED ?? (embedded && value.DATABASE_URL.startsWith('sqlite:') && seedDirectory === undefined),
    cluster,
  });
}
