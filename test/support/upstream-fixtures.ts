import { fileURLToPath } from 'node:url';

/**
 * The upstream data the tests read (real CRDs, Argo and KFP workflows, KFP RBAC, the MLMD and KFP database DDL,
 * KFP's OpenAPI documents), vendored byte for byte in test/fixtures/upstream with each file's repository, path and
 * commit in its MANIFEST.md, so a clone with nothing beside it runs the suite.
 */
export const UPSTREAM_FIXTURES = fileURLToPath(new URL('../fixtures/upstream/', import.meta.url));
export const UPSTREAM_KUBERNETES = `${UPSTREAM_FIXTURES}kubernetes/`;
