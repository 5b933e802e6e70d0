import { fileURLToPath } from 'node:url';

/** The upstream fixtures beside the project (../shared/fixtures): real CRDs, workflows, RBAC, MLMD DDL. */
export const SHARED_FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));
export const SHARED_KUBERNETES = `${SHARED_FIXTURES}kubernetes/`;
