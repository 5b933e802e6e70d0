import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printKfpSchema } from '../../resolvers/build-schema.js';

describe('schema/schema.graphql', () => {
  it('is exactly what the resolvers emit (run `npm run schema` after changing them)', () => {
    const committed = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(printKfpSchema());
  });
});
