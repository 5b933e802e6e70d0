import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * GraphiQL in a real headless Chromium (Debian's `chromium`; .ci/run installs it). A missing browser fails the
 * test rather than skipping it: a GraphiQL that was never loaded is not a GraphiQL that works offline.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const OUTPUT = resolve(import.meta.dirname, '../../test-output');
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

describe('GraphiQL in headless Chromium', () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (see .ci/run)`);
    t = await startTestServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('loads offline, preset for the demo user, and runs the default query', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });

    // A browser navigation sends `Accept: text/html…`, which is what selects GraphiQL on GET /graphql.
    const response = await page.goto(t.url, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(response?.headers()['content-security-policy']).toContain("connect-src 'self'");

    const execute = page.locator('.graphiql-execute-button');
    await execute.waitFor({ state: 'visible', timeout: 20_000 });

    // The headers editor is open and holds the demo user's trusted header.
    const headersEditor = page.locator('.graphiql-editor-tool .graphiql-editor').last();
    await expect
      .poll(async () => (await headersEditor.innerText()).replace(/\s+/g, ' '), { timeout: 10_000 })
      .toContain('"kubeflow-userid": "alice@example.com"');

    await execute.click();
    const result = page.locator('.graphiql-response');
    await expect.poll(async () => result.innerText(), { timeout: 15_000 }).toContain('alice@example.com');
    const text = await result.innerText();
    expect(text).toContain('"namespaces"');
    expect(text).not.toContain('"errors"');

    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'graphiql.png'), fullPage: true });

    // Nothing left the machine: every request went to this server (data: URLs never touch the network).
    const remote = requested.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:') && !LOCAL_HOSTS.has(new URL(url).hostname));
    expect(remote).toEqual([]);
    expect(requested.some((url) => url.endsWith('/graphiql/graphiql.min.js'))).toBe(true);
    expect(requested.filter((url) => new URL(url).pathname === '/graphql').length).toBeGreaterThanOrEqual(2); // page + query (+ introspection)
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
