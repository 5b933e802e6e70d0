import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../../src/ids/global-id.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Issue 13: the README's subscription example runs as written on Node 20. The test takes the ```ts block of
 * "Live updates (subscriptions)" out of README.md, changes only its URL to this server's, runs it with tsx (as
 * the README says) with a real ServiceAccount token, publishes a run update and reads what the example prints.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(ROOT, 'test-output', `readme-subscription-${process.pid}`);

function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Live updates (subscriptions)'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('no ```ts block under "Live updates (subscriptions)"');
  return block;
}

describe('the README subscription example', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
    mkdirSync(OUT, { recursive: true });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(OUT, { recursive: true, force: true });
  });

  it('runs as written with tsx on this Node and prints the run update', async () => {
    const example = readmeExample();
    expect(example).toContain("'ws://localhost:4000/graphql'");
    const file = join(OUT, 'watch.mts');
    writeFileSync(file, example.replace("'ws://localhost:4000/graphql'", `'${t.url.replace(/^http/, 'ws')}'`));

    const listed = await t.gql<{ namespace: { runs: { nodes: { id: string; name: string }[] } } }>(
      '{ namespace(name: "alice") { runs(first: 1) { nodes { id name } } } }',
      {},
      { user: 'alice@example.com' },
    );
    const run = listed.body.data?.namespace.runs.nodes[0];
    if (!run) throw new Error('no demo run');
    const token = t.emulator.issueToken('alice', 'default-editor', ['pipelines.kubeflow.org'], 600);

    // Run from the repository root so that `graphql-ws` and `ws` resolve from its node_modules, as in a project.
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [file], { cwd: ROOT, env: { ...process.env, TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    try {
      const until = Date.now() + 60_000;
      while (t.server.app.runEvents.listenerCount === 0) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`the example did not subscribe:\n${stderr}${stdout}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      t.server.app.runEvents.publish({ runId: fromGlobalId(run.id).id, namespace: 'alice', state: 'RUNNING', phase: 'Running', resourceVersion: '1' });
      while (!stdout.includes('\n')) {
        if (Date.now() > until) throw new Error(`no output:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const printed = JSON.parse(stdout.split('\n')[0] as string) as {
        data: { runUpdated: { runId: string; state: string; phase: string; run: { name: string } } };
      };
      expect(printed.data.runUpdated).toMatchObject({ runId: run.id, state: 'RUNNING', phase: 'Running', run: { name: run.name } });
      expect(stderr).toBe('');
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
