import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

/** Every setting is validated once; a bad value stops start-up with a message naming the setting. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function problemsOf(env: Record<string, string>, argv: string[] = []): readonly string[] {
  try {
    loadConfig(env, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`expected ConfigError for ${JSON.stringify(env)} ${argv.join(' ')}`);
}

describe('loadConfig', () => {
  it('has the embedded defaults: port 4000 on loopback, SQLite under ./data, the emulator, demo seed on', () => {
    const config = loadConfig({}, []);
    expect(config).toMatchObject({
      PORT: 4000,
      HOST: '127.0.0.1',
      DATABASE_URL: 'sqlite:./data/kfp-graph.sqlite',
      DEMO_SEED: true,
      DEFAULT_PAGE_SIZE: 20,
      MAX_PAGE_SIZE: 200,
      MAX_SPEC_BYTES: 1_048_576,
      MAX_BODY_BYTES: 1_048_576,
      KUBEFLOW_USERID_HEADER: 'kubeflow-userid',
      KUBEFLOW_USERID_PREFIX: '',
      TOKEN_AUDIENCES: ['pipelines.kubeflow.org'],
      CONTROL_PLANE_NAMESPACE: 'kubeflow',
      RUNNER_SERVICE_ACCOUNT: 'default-editor',
      DANGEROUSLY_ALLOW_HOST_PATH: false,
      DANGEROUSLY_ALLOW_PRIVILEGED: false,
      GRAPHIQL: true,
      LOG_LEVEL: 'info',
    });
    expect(config.cluster).toEqual({ mode: 'emulator', port: 0 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('serves metrics on a port of their own: 9464 by default, ephemeral with PORT=0, never the API port', () => {
    expect(loadConfig({}, []).METRICS_PORT).toBe(9464);
    expect(loadConfig({ PORT: '0' }, []).METRICS_PORT).toBe(0);
    expect(loadConfig({ METRICS_PORT: '9100', METRICS_HOST: '10.0.0.1' }, [])).toMatchObject({ METRICS_PORT: 9100, METRICS_HOST: '10.0.0.1' });
    expect(() => loadConfig({ PORT: '8080', METRICS_PORT: '8080' }, [])).toThrow(/METRICS_PORT: must differ from PORT/);
  });

  it('bounds WebSockets: message size, subscriptions per connection and in all, subscriptions only by default', () => {
    expect(loadConfig({}, [])).toMatchObject({
      WEBSOCKET_MAX_MESSAGE_BYTES: 65_536,
      MAX_SUBSCRIPTIONS_PER_CONNECTION: 20,
      MAX_SUBSCRIPTIONS: 5_000,
      WEBSOCKET_ALLOW_QUERIES_AND_MUTATIONS: false,
      METRICS_OPERATION_NAMES: [],
    });
    expect(() => loadConfig({ MAX_SUBSCRIPTIONS: '0' }, [])).toThrow(/MAX_SUBSCRIPTIONS/);
  });

  // KFP >= 2.15 (pipelines-profile-controller sync.py) namespaces artifacts; <= 2.14 shared one prefix.
  it("defaults the artifact prefix to KFP's per-namespace layout; a shared one needs the DANGEROUSLY_ switch", () => {
    expect(loadConfig({}, []).ARTIFACT_PREFIX_TEMPLATE).toBe('minio://mlpipeline/private-artifacts/{namespace}/');
    const shared = loadConfig({ ARTIFACT_PREFIX_TEMPLATE: 'minio://mlpipeline/v2/artifacts/', DANGEROUSLY_ALLOW_SHARED_ARTIFACT_PREFIX: 'true' }, []);
    expect(shared.ARTIFACT_PREFIX_TEMPLATE).toBe('minio://mlpipeline/v2/artifacts/');
    expect(problemsOf({ ARTIFACT_PREFIX_TEMPLATE: 'minio://mlpipeline/v2/artifacts/' }).join()).toMatch(/DANGEROUSLY_ALLOW_SHARED_ARTIFACT_PREFIX/);
  });

  it('reads PORT, DATABASE_URL and the other settings from the environment', () => {
    const config = loadConfig(
      { PORT: '8080', DATABASE_URL: 'postgres://u@db/kfp', MAX_PAGE_SIZE: '500', DEFAULT_PAGE_SIZE: '50', TOKEN_AUDIENCES: 'a, b,,' },
      [],
    );
    expect(config).toMatchObject({ PORT: 8080, DATABASE_URL: 'postgres://u@db/kfp', MAX_PAGE_SIZE: 500, DEFAULT_PAGE_SIZE: 50, TOKEN_AUDIENCES: ['a', 'b'] });
    // Not SQLite: no demo seed unless asked for.
    expect(config.DEMO_SEED).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'mysql://root@db/kfp', DEMO_SEED: 'true' }, []).DEMO_SEED).toBe(true);
    // An empty value means unset, as a templated manifest leaves it.
    expect(loadConfig({ PORT: '' }, []).PORT).toBe(4000);
  });

  const bad: readonly [string, Record<string, string>, RegExp][] = [
    ['PORT=abc', { PORT: 'abc' }, /^PORT: /],
    ['PORT=70000', { PORT: '70000' }, /^PORT: /],
    ['DATABASE_URL=ftp://x', { DATABASE_URL: 'ftp://x' }, /^DATABASE_URL: must start with sqlite:, postgres:\/\//],
    ['METADATA_DATABASE_URL=http://x', { METADATA_DATABASE_URL: 'http://x' }, /^METADATA_DATABASE_URL: /],
    ['MAX_PAGE_SIZE=0', { MAX_PAGE_SIZE: '0' }, /^MAX_PAGE_SIZE: /],
    ['MAX_PAGE_SIZE=1.5', { MAX_PAGE_SIZE: '1.5' }, /^MAX_PAGE_SIZE: /],
    ['DEFAULT_PAGE_SIZE > MAX_PAGE_SIZE', { DEFAULT_PAGE_SIZE: '300' }, /^DEFAULT_PAGE_SIZE: must not exceed MAX_PAGE_SIZE/],
    ['DEFAULT_PAGE_SIZE > a lowered MAX_PAGE_SIZE', { MAX_PAGE_SIZE: '10' }, /^DEFAULT_PAGE_SIZE: must not exceed MAX_PAGE_SIZE/],
    [
      'only the S3 access key',
      { ARTIFACT_S3_ACCESS_KEY_ID: 'AKIA' },
      /^ARTIFACT_S3_SECRET_ACCESS_KEY: ARTIFACT_S3_ACCESS_KEY_ID and ARTIFACT_S3_SECRET_ACCESS_KEY go together/,
    ],
    ['only the S3 secret', { ARTIFACT_S3_SECRET_ACCESS_KEY: 'secret' }, /ARTIFACT_S3_ACCESS_KEY_ID and ARTIFACT_S3_SECRET_ACCESS_KEY go together/],
    ['an artifact prefix without {namespace}', { ARTIFACT_PREFIX_TEMPLATE: 's3://bucket/' }, /^ARTIFACT_PREFIX_TEMPLATE: must contain \{namespace\}/],
    ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    ['DANGEROUSLY_ALLOW_PRIVILEGED=maybe', { DANGEROUSLY_ALLOW_PRIVILEGED: 'maybe' }, /^DANGEROUSLY_ALLOW_PRIVILEGED: /],
    ['KFP_MODE=hybrid', { KFP_MODE: 'hybrid' }, /^KFP_MODE: /],
    [
      'KFP_MODE=kfp without KFP_DATABASE_URL',
      { KFP_MODE: 'kfp', KFP_API_URL: 'http://ml-pipeline.kubeflow:8888' },
      /^KFP_DATABASE_URL: is required when KFP_MODE=kfp/,
    ],
    [
      'KFP_MODE=kfp without KFP_API_URL',
      { KFP_MODE: 'kfp', KFP_DATABASE_URL: 'mysql://root@mysql.kubeflow:3306/mlpipeline' },
      /^KFP_API_URL: is required when KFP_MODE=kfp/,
    ],
    [
      'a SQLite KFP_DATABASE_URL',
      { KFP_MODE: 'kfp', KFP_API_URL: 'http://x:8888', KFP_DATABASE_URL: 'sqlite:./kfp.db' },
      /^KFP_DATABASE_URL: must start with mysql:\/\//,
    ],
    [
      'a KFP_API_URL that is not http',
      { KFP_MODE: 'kfp', KFP_DATABASE_URL: 'mysql://r@h/mlpipeline', KFP_API_URL: 'ftp://x' },
      /^KFP_API_URL: must be an http/,
    ],
  ];
  for (const [what, env, message] of bad) {
    it(`throws ConfigError naming the setting for ${what}`, () => {
      const problems = problemsOf(env);
      expect(
        problems.some((p) => message.test(p)),
        problems.join('; '),
      ).toBe(true);
    });
  }

  it('turns introspection and GraphiQL off when NODE_ENV=production, unless a setting turns them on', () => {
    expect(loadConfig({}, [])).toMatchObject({ INTROSPECTION: true, GRAPHIQL: true });
    expect(loadConfig({ NODE_ENV: 'production' }, [])).toMatchObject({ INTROSPECTION: false, GRAPHIQL: false });
    expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true' }, [])).toMatchObject({ INTROSPECTION: true, GRAPHIQL: false });
    expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true', GRAPHIQL: 'true' }, [])).toMatchObject({ INTROSPECTION: true, GRAPHIQL: true });
    expect(loadConfig({ INTROSPECTION: 'false', GRAPHIQL: 'false' }, [])).toMatchObject({ INTROSPECTION: false, GRAPHIQL: false });
    expect(problemsOf({ NODE_ENV: 'production', GRAPHIQL: 'true' })[0]).toMatch(/^GRAPHIQL: .*INTROSPECTION=true/);
  });

  it('defaults to standalone mode and accepts kfp mode with both KFP settings', () => {
    expect(loadConfig({}, []).KFP_MODE).toBe('standalone');
    const config = loadConfig(
      { KFP_MODE: 'kfp', KFP_DATABASE_URL: 'postgres://reader@db:5432/mlpipeline', KFP_API_URL: 'http://ml-pipeline.kubeflow:8888' },
      [],
    );
    expect([config.KFP_MODE, config.KFP_DATABASE_URL, config.KFP_API_URL]).toEqual([
      'kfp',
      'postgres://reader@db:5432/mlpipeline',
      'http://ml-pipeline.kubeflow:8888',
    ]);
  });

  it('names every bad setting at once', () => {
    const problems = problemsOf({ PORT: 'abc', DATABASE_URL: 'ftp://x', MAX_PAGE_SIZE: '0' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'MAX_PAGE_SIZE', 'PORT']);
    expect(new ConfigError(problems).message).toMatch(/^invalid configuration:\n {2}- /);
  });

  it('accepts both S3 credentials together', () => {
    expect(loadConfig({ ARTIFACT_S3_ACCESS_KEY_ID: 'AKIA', ARTIFACT_S3_SECRET_ACCESS_KEY: 'secret' }, []).ARTIFACT_S3_ACCESS_KEY_ID).toBe('AKIA');
  });

  it('seeds the emulator from --seed DIR or KFP_GRAPH_SEED (the flag wins), and then skips the demo data', () => {
    expect(loadConfig({}, ['--seed', '/tmp/seed']).cluster).toEqual({ mode: 'emulator', port: 0, seedDirectory: '/tmp/seed' });
    expect(loadConfig({ KFP_GRAPH_SEED: '/tmp/env-seed' }, []).cluster).toEqual({ mode: 'emulator', port: 0, seedDirectory: '/tmp/env-seed' });
    expect(loadConfig({ KFP_GRAPH_SEED: '/tmp/env-seed' }, ['--seed', '/tmp/flag']).cluster).toMatchObject({ seedDirectory: '/tmp/flag' });
    expect(loadConfig({}, ['--seed', '/tmp/seed']).DEMO_SEED).toBe(false);
    expect(problemsOf({}, ['--seed'])).toEqual(['--seed: needs a directory']);
    expect(problemsOf({}, ['--seed', '--other'])[0]).toMatch(/--seed: needs a directory|--other: unknown option/);
    expect(problemsOf({}, ['--verbose'])).toEqual(['--verbose: unknown option']);
  });

  it('selects kubeconfig mode from KUBECONFIG, in-cluster from KUBERNETES_SERVICE_HOST, and listens on every interface there', () => {
    const kube = loadConfig({ KUBECONFIG: '/home/me/.kube/config' }, []);
    expect(kube.cluster).toEqual({ mode: 'kubeconfig', path: '/home/me/.kube/config' });
    expect(kube.HOST).toBe('0.0.0.0');
    expect(kube.DEMO_SEED).toBe(false);
    expect(loadConfig({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, []).cluster).toEqual({ mode: 'in-cluster' });
    expect(loadConfig({ KUBECONFIG: '/k', KUBERNETES_SERVICE_HOST: '10.0.0.1' }, []).cluster.mode).toBe('kubeconfig');
    expect(problemsOf({ KUBECONFIG: '/k' }, ['--seed', '/tmp/seed'])[0]).toMatch(/^--seed\/KFP_GRAPH_SEED: only the built-in emulator is seeded/);
  });
});

describe('npm start with a bad setting', () => {
  it('exits with code 2 and a message naming the setting (PORT=abc)', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile('npx', ['tsx', 'src/main.ts'], { cwd: ROOT, env: { ...process.env, PORT: 'abc' }, timeout: 60_000 }, (error, _stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr });
      });
      child.stdin?.end();
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/kfp-graph: invalid configuration:\n\s+- PORT: /);
  }, 60_000);
});
