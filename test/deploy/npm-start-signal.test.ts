import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureOutput, problemLines, processGroupAlive, waitForGroupExit, waitForOutput } from '../support/child-process.js';

const REPO = resolve(import.meta.dirname, '../..');

/**
 * `npm start` under a process supervisor (or a terminal's Ctrl-C): SIGTERM goes to the npm process only. npm
 * forwards it to its script's shell, so the script must `exec` the server: otherwise the shell dies and the
 * server (and tsx's own child) run on, orphaned.
 */
describe('npm start', () => {
  it('stops as a whole when the npm process gets SIGTERM, with no error or warning logged', async () => {
    const npm = spawn('npm', ['start'], {
      cwd: REPO,
      detached: true, // its own process group, so the test can see every process it started
      // npm's update notice would be an unrelated line on stderr.
      env: {
        ...process.env,
        npm_config_update_notifier: 'false',
        PORT: '0',
        DATABASE_URL: 'sqlite::memory:',
        EMULATOR_PORT: '0',
        LOG_LEVEL: 'info',
        NODE_ENV: 'development',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = npm.pid as number;
    const output = captureOutput(npm);
    try {
      await waitForOutput(npm, output.stdout, /kfp-graph is ready: open http:\/\//, 90_000);
      process.kill(npm.pid as number, 'SIGTERM');
      expect(await waitForGroupExit(pgid, 20_000)).toBe(true);
      expect(output.stdout()).toMatch(/"msg":"shutting down","signal":"SIGTERM"/);
      expect(problemLines(output.stdout())).toEqual([]);
      expect(output.stderr().trim()).toBe('');
    } finally {
      if (processGroupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    }
  }, 120_000);
});
