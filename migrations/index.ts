import type { Migration } from 'kysely';
import * as kfpCore from './0001-kfp-core.js';
import * as mlmd from './0002-mlmd.js';
import * as idempotency from './0003-idempotency.js';

/**
 * Every migration, in order. Listed here rather than read from the folder so that the same list runs under
 * tsx, vitest and a bundled build, with no file-system scan at start-up.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-kfp-core': kfpCore,
  '0002-mlmd': mlmd,
  '0003-idempotency': idempotency,
};
