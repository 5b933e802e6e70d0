import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startDemoEmulator } from './emulator-harness.js';

const run = promisify(execFile);
const KUBECTL = '/usr/bin/kubectl';
const HAVE_KUBECTL = existsSync(KUBECTL);
// test/emulator/impersonation.test.ts covers the same impersonation over raw HTTP, so it runs without kubectl.
if (!HAVE_KUBECTL) console.warn(`[kubectl] ${KUBECTL} not found: the kubectl tests are skipped`);

let emu: RunningEmulator;
let dir: string;
let kubeconfig: string;

/** kubectl's stdout and exit code (`auth can-i` exits 1 for "no"). */
async function kubectl(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { env: { ...process.env, HOME: dir } });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code ?? -1 };
  }
}

beforeAll(async () => {
  if (!HAVE_KUBECTL) return;
  emu = await startDemoEmulator();
  dir = mkdtempSync(join(tmpdir(), 'kfp-graph-kubectl-'));
  kubeconfig = join(dir, 'emulator.kubeconfig');
  emu.writeKubeconfig(kubeconfig);
});
afterAll(async () => {
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!HAVE_KUBECTL)('kubectl against the emulator', () => {
  it('get profiles', async () => {
    const { stdout, code } = await kubectl('get', 'profiles');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^NAME\s+AGE/);
    for (const ns of ['alice', 'bob', 'ml-research']) expect(stdout).toContain(ns);
  });

  it('get ns', async () => {
    const { stdout, code } = await kubectl('get', 'ns', '-o', 'name');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').sort()).toEqual(['namespace/alice', 'namespace/bob', 'namespace/kubeflow', 'namespace/ml-research']);
  });

  it('apply -f a Workflow, apply again unchanged, then get workflows -n alice', async () => {
    const manifest = join(dir, 'workflow.yaml');
    writeFileSync(
      manifest,
      [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Workflow',
        'metadata:',
        '  name: hello-kubectl',
        '  namespace: alice',
        'spec:',
        '  entrypoint: hello-world',
        '  templates:',
        '  - name: hello-world',
        '    container: {image: busybox, command: [echo], args: ["hello world"]}',
        '',
      ].join('\n'),
    );
    const first = await kubectl('apply', '-f', manifest);
    expect(first.stderr).toBe('');
    expect(first.stdout.trim()).toBe('workflow.argoproj.io/hello-kubectl created');
    expect((await kubectl('apply', '-f', manifest)).stdout.trim()).toBe('workflow.argoproj.io/hello-kubectl unchanged');
    writeFileSync(manifest, `${(await import('node:fs')).readFileSync(manifest, 'utf8').replace('hello world', 'hello again')}`);
    expect((await kubectl('apply', '-f', manifest)).stdout.trim()).toBe('workflow.argoproj.io/hello-kubectl configured');

    const { stdout, code } = await kubectl('get', 'workflows', '-n', 'alice');
    expect(code).toBe(0);
    expect(stdout).toMatch(/hello-kubectl/);
    const args = await kubectl('get', 'wf', 'hello-kubectl', '-n', 'alice', '-o', 'jsonpath={.spec.templates[0].container.args[0]}');
    expect(args.stdout).toBe('hello again');
  });

  it('auth can-i create runs.pipelines.kubeflow.org -n alice: yes for the owner, no for a viewer', async () => {
    const owner = await kubectl('auth', 'can-i', 'create', 'runs.pipelines.kubeflow.org', '-n', 'alice', '--as=alice@example.com');
    expect(owner.stdout.trim()).toBe('yes');
    expect(owner.code).toBe(0);
    const viewer = await kubectl('auth', 'can-i', 'create', 'runs.pipelines.kubeflow.org', '-n', 'alice', '--as=bob@example.com');
    expect(viewer.stdout.trim()).toBe('no');
    expect(viewer.code).toBe(1);
    const viewerGet = await kubectl('auth', 'can-i', 'get', 'runs.pipelines.kubeflow.org', '-n', 'alice', '--as=bob@example.com');
    expect(viewerGet.stdout.trim()).toBe('yes');
    const group = await kubectl(
      'auth',
      'can-i',
      'list',
      'runs.pipelines.kubeflow.org',
      '-n',
      'ml-research',
      '--as=frank@example.com',
      '--as-group=research-readers',
    );
    expect(group.stdout.trim()).toBe('yes');
  });

  it('create token and a Forbidden error for a non-admin user', async () => {
    const token = await kubectl('create', 'token', 'default-editor', '-n', 'alice', '--audience', 'pipelines.kubeflow.org');
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^emu\./);
    const denied = await kubectl('get', 'workflows', '-n', 'bob', '--as=alice@example.com');
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('User "alice@example.com" cannot list resource "workflows" in API group "argoproj.io" in the namespace "bob"');
  });

  it('kubectl --as USER auth can-i from a non-admin account that may impersonate: answered for USER (impersonate verb checked)', async () => {
    const RBAC = 'rbac.authorization.k8s.io';
    emu.apply([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'support', namespace: 'kubeflow' } },
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRole',
        metadata: { name: 'impersonate-owners' },
        rules: [{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['alice@example.com', 'bob@example.com'] }],
      },
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'support-impersonates-owners' },
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'impersonate-owners' },
        subjects: [{ kind: 'ServiceAccount', name: 'support', namespace: 'kubeflow' }],
      },
    ]);
    const support = join(dir, 'support.kubeconfig');
    emu.writeKubeconfig(support, { token: emu.issueToken('kubeflow', 'support') });
    const as = (...args: string[]) => kubectl('--kubeconfig', support, ...args);
    const self = await as('auth', 'can-i', 'create', 'runs.pipelines.kubeflow.org', '-n', 'alice');
    expect(self.stdout.trim()).toBe('no');
    const owner = await as('auth', 'can-i', 'create', 'runs.pipelines.kubeflow.org', '-n', 'alice', '--as', 'alice@example.com');
    expect(owner.stderr).toBe('');
    expect(owner.stdout.trim()).toBe('yes');
    const viewer = await as('auth', 'can-i', 'create', 'runs.pipelines.kubeflow.org', '-n', 'alice', '--as', 'bob@example.com');
    expect(viewer.stdout.trim()).toBe('no');
    const admin = await as('auth', 'can-i', 'create', 'runs.pipelines.kubeflow.org', '-n', 'alice', '--as', 'admin@example.com');
    expect(admin.code).not.toBe(0);
    expect(admin.stderr).toContain('cannot impersonate resource "users"');
  });
});
