import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/server/error-codes.js';
import { createLogger } from '../../src/server/logger.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly code?: string;
  readonly operation?: string | null;
  readonly route?: string;
  readonly status?: number;
  readonly errors?: readonly string[];
  readonly error?: { readonly stack?: string };
}

const ALICE = { 'content-type': 'application/json', 'kubeflow-userid': 'alice@example.com' };

/**
 * Issue 14 §4 "Logs": a client's mistakes are info lines with their code, never `level: error` "internal error"
 * with a stack (8 of them in a short session used to page someone), and the access line names the operation.
 */
describe('a session of 20 client mistakes', () => {
  let t: TestServer;
  const lines: string[] = [];
  const responses: { readonly name: string; readonly status: number; readonly codes: readonly string[] }[] = [];

  beforeAll(async () => {
    t = await startTestServer({ logger: createLogger('debug', {}, (line) => lines.push(line)) });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function send(name: string, init: RequestInit, search = ''): Promise<void> {
    const response = await fetch(`${t.url}${search}`, init);
    const text = await response.text();
    let codes: string[] = [];
    try {
      codes = ((JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).map((e) => String(e.extensions?.code));
    } catch {
      codes = [];
    }
    responses.push({ name, status: response.status, codes });
  }
  const post = (name: string, body: unknown, headers: Record<string, string> = ALICE) =>
    send(name, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('logs no error line, an info line with the code for each mistake, and names the operation on the access line', async () => {
    const deep = `query TooDeep { namespaces { nodes { experiments { nodes { runs { nodes { experiment { runs { nodes { experiment { runs { nodes { experiment { name } } } } } } } } } } } } } }`;
    const aliases = `query TooManyAliases { ${Array.from({ length: 40 }, (_, i) => `a${i}: viewer { user }`).join(' ')} }`;
    const tokens = `query TooManyTokens { viewer { ${'user '.repeat(6_000)} } }`;
    const costly = `query TooCostly { namespaces(first: 200) { nodes { runs(first: 200) { nodes { name } } } } }`;

    await post('parse error', { query: 'query Broken { viewer { user }' });
    await post('unknown field', { query: 'query UnknownField { nope }' });
    await post('unknown argument', { query: 'query UnknownArgument { viewer(x: 1) { user } }' });
    await post('depth limit', { query: deep });
    await post('alias limit', { query: aliases });
    await post('token limit', { query: tokens });
    await post('cost limit', { query: costly });
    await post('variable of the wrong type', { query: 'query WrongVariable($n: Int) { namespaces(first: $n) { nodes { name } } }', variables: { n: 'ten' } });
    await post('missing variable', { query: 'query MissingVariable($name: String!) { namespace(name: $name) { name } }' });
    await post('page too large', { query: 'query PageTooLarge { namespaces(first: 1000) { nodes { name } } }' });
    await post('another tenant', { query: 'query OtherTenant { namespace(name: "bob") { name } }' });
    await post('malformed id', { query: 'query MalformedId { node(id: "not-a-global-id") { id } }' });
    await post(
      'forbidden write',
      { query: 'mutation ForbiddenWrite { createExperiment(input: { namespace: "alice", name: "x" }) { experiment { id } } }' },
      { ...ALICE, 'kubeflow-userid': 'bob@example.com' },
    );
    await post('bad input', { query: 'mutation BadInput { createExperiment(input: { namespace: "alice", name: "" }) { experiment { id } } }' });
    await post('unknown operationName', { query: 'query A { viewer { user } }', operationName: 'B' });
    await post('no identity', { query: 'query NoIdentity { viewer { user } }' }, { 'content-type': 'application/json' });
    await post('not JSON', '{"query": ');
    await post('no query', { variables: {} });
    await send('mutation over GET', { method: 'GET', headers: ALICE }, `?query=${encodeURIComponent('mutation OverGet { deleteRun(id: "x") }')}`);
    await send(
      'CSRF: plain GET',
      { method: 'GET', headers: { 'kubeflow-userid': 'alice@example.com' } },
      `?query=${encodeURIComponent('{ viewer { user } }')}`,
    );
    await post('body too large', { query: `{ viewer { user } } #${'x'.repeat(1_100_000)}` });

    expect(responses).toHaveLength(21);
    for (const response of responses) {
      expect(response.codes.length, response.name).toBeGreaterThan(0);
      for (const code of response.codes) expect(Object.keys(ERROR_CODES), `${response.name}: ${code}`).toContain(code);
    }

    const log = lines.map((line) => JSON.parse(line) as LogLine);
    expect(log.filter((l) => l.level === 'error')).toEqual([]);
    expect(lines.join('\n')).not.toMatch(/"stack"/);
    const clientErrors = log.filter((l) => l.msg === 'client error');
    expect(clientErrors.length).toBeGreaterThanOrEqual(13);
    for (const line of clientErrors) {
      expect(line.level).toBe('info');
      expect(Object.keys(ERROR_CODES)).toContain(line.code);
    }

    const access = log.filter((l) => l.msg === 'request' && l.route === 'graphql');
    expect(access).toHaveLength(21);
    for (const line of access) {
      expect(line.level).toBe('info');
      expect(line).toHaveProperty('operation');
      expect(line.errors?.length).toBeGreaterThan(0);
    }
    const operations = access.map((l) => l.operation);
    expect(operations).toEqual(
      expect.arrayContaining(['Broken', 'UnknownField', 'TooDeep', 'WrongVariable', 'PageTooLarge', 'OtherTenant', 'ForbiddenWrite', 'BadInput']),
    );
    expect(access.find((l) => l.operation === 'OtherTenant')?.errors).toEqual(['NOT_FOUND']);
  }, 60_000);
});

describe('an unexpected error', () => {
  it('is still an error line, with its stack, and INTERNAL with a masked message for the client', async () => {
    const lines: string[] = [];
    const t = await startTestServer({ demoData: false, logger: createLogger('info', {}, (line) => lines.push(line)) });
    try {
      // A closed SQLite handle is not "the database is unreachable": it is a bug, and must page someone.
      await t.server.app.store.close();
      const res = await t.gql('query Broken { namespace(name: "alice") { experiments { nodes { id } } } }', {}, { user: 'alice@example.com' });
      expect(res.body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['INTERNAL', 'Internal server error']]);
      const errors = lines.map((l) => JSON.parse(l) as LogLine).filter((l) => l.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ msg: 'internal error', code: 'INTERNAL', operation: 'Broken' });
      expect(errors[0]?.error?.stack).toMatch(/\n\s+at /);
    } finally {
      await t.close().catch(() => undefined);
    }
  }, 60_000);
});
