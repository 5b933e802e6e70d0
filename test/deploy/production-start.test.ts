import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster, KFP_GRAPH_SERVICE_ACCOUNT, type ClusterConnection } from '../../src/kube/cluster-connection.js';
import { captureOutput, problemLines, waitForOutput } from '../support/child-process.js';

/**
 * The image's start, as a pod with `readOnlyRootFilesystem: true` runs it: the Dockerfile's own CMD, USER and
 * NODE_ENV on the output of `npm run build`, in a private mount namespace where the root filesystem, the
 * application directory and TMPDIR are read-only and only the database volume (an emptyDir in a Deployment) is
 * writable. The cluster is outside the container, reached through a kubeconfig as kfp-graph's own service
 * account. Needs root for `unshare --mount` and `setpriv`.
 */
const REPO = resolve(import.meta.dirname, '../..');
const isRoot = process.getuid?.() === 0;
const hasTools = ['unshare', 'setpriv', 'mount'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
const reason = !isRoot ? 'not root: unshare --mount and setpriv need root' : 'unshare, setpriv or mount is missing';

interface ImageSpec {
  readonly cmd: readonly string[];
  readonly uid: number;
  readonly gid: number;
  readonly env: Readonly<Record<string, string>>;
}

/** CMD (exec form), USER uid:gid and ENV of the Dockerfile's last stage: what the container runtime runs. */
function imageSpec(dockerfile: string): ImageSpec {
  const stages = dockerfile.split(/^FROM /m);
  const last = stages[stages.length - 1] ?? '';
  const cmd = last.match(/^CMD (\[.*\])$/m);
  const user = last.match(/^USER (\d+):(\d+)$/m);
  if (!cmd?.[1] || !user?.[1] || !user[2]) throw new Error('Dockerfile: the last stage needs CMD [..] and USER uid:gid');
  const env = Object.fromEntries([...last.matchAll(/^ENV (\w+)=(\S+)$/gm)].map((m) => [m[1] as string, m[2] as string]));
  return { cmd: JSON.parse(cmd[1]) as string[], uid: Number(user[1]), gid: Number(user[2]), env };
}

describe.skipIf(!isRoot || !hasTools)(`the image's start command on a read-only root filesystem${isRoot && hasTools ? '' : ` (skipped: ${reason})`}`, () => {
  const image = imageSpec(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
  let root: string;
  let app: string;
  let volume: string;
  let cluster: ClusterConnection;
  let server: ChildProcess | undefined;

  /**
   * Runs argv as the image's user with cwd APP in a private mount namespace where, as in a pod with
   * `readOnlyRootFilesystem: true` and an emptyDir, only VOLUME is writable: it is bind-mounted first, then the
   * root filesystem and the one holding the host's TMPDIR are remounted read-only (in this namespace only; the
   * per-mount flag does not propagate), and APP is a read-only bind mount of its own.
   */
  function contained(argv: readonly string[], env: Readonly<Record<string, string>>) {
    const script = [
      'mount --bind "$VOLUME" "$VOLUME"',
      'mount --bind -o ro "$APP" "$APP"',
      'mount -o remount,bind,ro /',
      'mount -o remount,bind,ro "$(stat -c %m "$HOST_TMP")"',
      'cd "$APP"',
      'exec setpriv --reuid="$RUN_UID" --regid="$RUN_GID" --clear-groups --no-new-privs -- "$@"',
    ].join(' && ');
    return spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', ...argv], {
      env: { ...env, APP: app, VOLUME: volume, HOST_TMP: tmpdir(), RUN_UID: String(image.uid), RUN_GID: String(image.gid) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  const baseEnv = (): Record<string, string> => ({
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: '/nonexistent',
    TMPDIR: join(app, 'tmp'),
    ...image.env,
  });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'kfp-graph-image-'));
    chmodSync(root, 0o755);
    app = join(root, 'app');
    volume = join(root, 'volume');
    mkdirSync(join(app, 'tmp'), { recursive: true });
    mkdirSync(volume);
    chownSync(volume, image.uid, image.gid);
    chmodSync(volume, 0o700);
    const build = spawnSync('npm', ['run', 'build', '--', '--out-dir', join(app, 'dist')], { cwd: REPO, encoding: 'utf8', timeout: 180_000 });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
    copyFileSync(join(REPO, 'package.json'), join(app, 'package.json'));
    symlinkSync(join(REPO, 'node_modules'), join(app, 'node_modules'));

    // The cluster, as a pod sees it: an API server elsewhere, a token of kfp-graph's service account.
    cluster = await connectCluster({ mode: 'emulator', port: 0 });
    const emulator = cluster.emulator;
    if (!emulator) throw new Error('expected the emulator');
    const token = emulator.issueToken(KFP_GRAPH_SERVICE_ACCOUNT.namespace, KFP_GRAPH_SERVICE_ACCOUNT.name, [], 3600);
    mkdirSync(join(app, 'secrets'));
    writeFileSync(join(app, 'secrets', 'kubeconfig'), emulator.kubeconfigYaml({ token, user: 'kfp-graph' }), { mode: 0o644 });
  }, 240_000);

  afterAll(async () => {
    if (server?.exitCode === null) server.kill('SIGKILL');
    await cluster?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('the root filesystem and TMPDIR are unwritable for the image user, the volume writable', async () => {
    const probe = (target: string) =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = contained(['sh', '-c', 'touch "$TARGET"'], { ...baseEnv(), TARGET: target });
        const output = captureOutput(child);
        child.on('exit', (code) => done({ code, stderr: output.stderr() }));
      });
    const tmp = await probe(join(app, 'tmp', 'probe'));
    expect(tmp.code).not.toBe(0);
    expect(tmp.stderr).toMatch(/Read-only file system/);
    expect((await probe(join(app, 'dist', 'probe'))).code).not.toBe(0);
    expect((await probe('/probe-kfp-graph')).code).not.toBe(0);
    // World-writable outside; read-only here, as in the container.
    const hostTmp = await probe(join(tmpdir(), `kfp-graph-probe-${process.pid}`));
    expect(hostTmp.code).not.toBe(0);
    expect(hostTmp.stderr).toMatch(/Read-only file system/);
    expect((await probe(join(volume, 'probe'))).code).toBe(0);
  });

  it('starts, answers /readyz and /healthz, and stops on SIGTERM with a clean log', async () => {
    expect(image.cmd[0]).toBe('node');
    expect(image.env.NODE_ENV).toBe('production');
    server = contained(image.cmd, {
      ...baseEnv(),
      KUBECONFIG: join(app, 'secrets', 'kubeconfig'),
      DATABASE_URL: `sqlite:${join(volume, 'kfp-graph.sqlite')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      POD_NAME: 'kfp-graph-0',
      LEADER_ELECTION_NAMESPACE: 'kubeflow',
      LOG_LEVEL: 'info',
    });
    const output = captureOutput(server);
    const [, port] = await waitForOutput(server, output.stdout, /kfp-graph is ready: open http:\/\/[^:]+:(\d+)\/graphql/, 90_000);
    const base = `http://127.0.0.1:${port}`;

    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: true }, cluster: { reachable: true, namespaces: true } });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const viewer = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'kubeflow-userid': 'alice@example.com' },
      body: JSON.stringify({ query: '{ viewer { user } }' }),
    });
    expect(await viewer.json()).toEqual({ data: { viewer: { user: 'alice@example.com' } } });

    const exited = new Promise<number | null>((done) => server?.once('exit', (code) => done(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(problemLines(output.stdout())).toEqual([]);
    expect(output.stderr()).toBe('');
  }, 120_000);
});
