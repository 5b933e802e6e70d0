import { GraphQLError } from 'graphql';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { NotFoundError, UnavailableError } from '../../src/errors/domain-errors.js';
import { classifyError } from '../../src/server/error-classification.js';
import { DOMAIN_CODE, isResponseErrorCode, REQUEST_ERROR_CODES } from '../../src/server/error-codes.js';
import { formatError } from '../../src/server/format-error.js';
import { openStore } from '../../src/store/store-handle.js';

/** What a resolver's failure looks like by the time Apollo formats it. */
async function formattedFailure(run: () => Promise<unknown>) {
  const failure = await run().then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
  const wrapped = new GraphQLError('raw driver text', { path: ['run'], originalError: failure as Error });
  return formatError(wrapped.toJSON(), wrapped);
}

describe('formatError', () => {
  it.each([
    ['PostgreSQL', 'postgres://postgres@127.0.0.1:1/test'],
    ['MariaDB', 'mysql://root@127.0.0.1:1/test'],
  ])('turns an unreachable %s into UNAVAILABLE, with no driver detail', async (_name, url) => {
    const store = openStore(url, { poolSize: 1 });
    try {
      const formatted = await formattedFailure(() => sql`select 1`.execute(store.db));
      expect(formatted).toEqual({ message: 'the database is unavailable; try again', path: ['run'], extensions: { code: 'UNAVAILABLE' } });
    } finally {
      await store.close().catch(() => undefined);
    }
  });

  it('masks any other database failure as INTERNAL', async () => {
    const store = openStore('sqlite::memory:');
    try {
      const formatted = await formattedFailure(() => sql`select * from no_such_table`.execute(store.db));
      expect(formatted).toEqual({ message: 'Internal server error', path: ['run'], extensions: { code: 'INTERNAL' } });
    } finally {
      await store.close();
    }
  });

  it('keeps a domain error with its code', () => {
    const wrapped = new GraphQLError('x', { path: ['run'], originalError: new NotFoundError('run not found') });
    expect(formatError(wrapped.toJSON(), wrapped)).toMatchObject({ message: 'run not found', extensions: { code: 'NOT_FOUND' } });
  });
});

describe('formatError and the input', () => {
  it('drops graphql-js field suggestions, whatever the transport', () => {
    const error = new GraphQLError('Cannot query field "viewr" on type "Query". Did you mean "viewer"?');
    expect(formatError(error.toJSON(), error).message).toBe('Cannot query field "viewr" on type "Query".');
  });

  it('quotes at most a prefix of a long value and caps the message', () => {
    const error = new GraphQLError(`Variable "$n" got invalid value "${'z'.repeat(900_000)}"; Int cannot represent non-integer value`);
    const message = formatError(error.toJSON(), error).message;
    expect(message).toBe(`Variable "$n" got invalid value "${'z'.repeat(40)}…" (900000 characters); Int cannot represent non-integer value`);
    const domain = new NotFoundError(`x ${'y '.repeat(5_000)}`);
    const wrapped = new GraphQLError(domain.message, { originalError: domain });
    expect(formatError(wrapped.toJSON(), wrapped).message.length).toBeLessThan(2_100);
  });
});

describe('every answer carries one of ERROR_CODES', () => {
  const codeOf = (error: unknown) => {
    const wrapped = error instanceof GraphQLError ? error : new GraphQLError('x', { originalError: error as Error });
    return formatError(wrapped.toJSON(), wrapped).extensions?.code;
  };

  it('passes Apollo’s request-error codes, masks unknown ones (INTERNAL_SERVER_ERROR, a resolver’s own) as INTERNAL', () => {
    for (const code of REQUEST_ERROR_CODES) expect(codeOf(new GraphQLError('about the query', { extensions: { code } }))).toBe(code);
    expect(codeOf(new GraphQLError('apollo', { extensions: { code: 'INTERNAL_SERVER_ERROR' } }))).toBe('INTERNAL');
    expect(codeOf(new GraphQLError('custom', { extensions: { code: 'MY_OWN_CODE' } }))).toBe('INTERNAL');
    expect(codeOf(new TypeError('bug'))).toBe('INTERNAL');
  });

  it('classifies whose fault it is: the client’s, a dependency’s, or a bug', () => {
    expect(classifyError(new GraphQLError('x', { originalError: new NotFoundError('gone') }))).toEqual({ code: 'NOT_FOUND', severity: 'client' });
    expect(classifyError(new GraphQLError('x', { originalError: new UnavailableError('down') }))).toEqual({ code: 'UNAVAILABLE', severity: 'unavailable' });
    expect(classifyError(new GraphQLError('Syntax Error', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }))).toEqual({
      code: 'GRAPHQL_PARSE_FAILED',
      severity: 'client',
    });
    expect(classifyError(new GraphQLError('x', { originalError: new TypeError('bug') }))).toEqual({ code: 'INTERNAL', severity: 'internal' });
  });

  it('every domain code and request code is in ERROR_CODES', () => {
    for (const code of [...Object.values(DOMAIN_CODE), ...REQUEST_ERROR_CODES]) expect(isResponseErrorCode(code)).toBe(true);
  });
});
