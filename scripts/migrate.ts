import { loadConfig } from '../src/config/config.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openStore } from '../src/store/store-handle.js';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (start-up does the same). */
const config = loadConfig(process.env, []);
const store = openStore(config.DATABASE_URL);
try {
  const applied = await migrateToLatest(store);
  console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'already up to date');
} finally {
  await store.close();
}
