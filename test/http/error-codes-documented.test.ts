import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/server/error-codes.js';

/**
 * Issue 13: the README lists every `extensions.code` a client can meet. formatError and the HTTP layer answer
 * only with ERROR_CODES (typed, and checked in test/http/format-error.test.ts and the client-mistakes session of
 * test/api/client-error-logs.test.ts); this keeps the README's table equal to that list.
 */
describe('README "Error codes"', () => {
  it('lists exactly the codes the server can answer with', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = /### Error codes\n([\s\S]*?)\n###? /.exec(readme)?.[1] ?? '';
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});
