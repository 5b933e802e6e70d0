import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Vite prefers graphql's ESM entry while type-graphql and Apollo require the CJS one; two copies
    // of graphql break `instanceof GraphQLSchema`, so every import resolves to the CJS build Node uses.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql/index.js') }],
  },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The dialect suites share one PostgreSQL and one MariaDB database; each test file uses its own schema
    // or table prefix, so files may run in parallel.
    fileParallelism: true,
    setupFiles: ['test/setup.ts'],
  },
});
