import type { MetadataTables } from './metadata-tables.js';
import { openStore, type StoreHandle } from '../store/store-handle.js';
import { UnquotedTableNamesPlugin } from './unquoted-table-names-plugin.js';

/**
 * Opens the metadata database of an existing KFP installation (METADATA_DATABASE_URL), read-only. MLMD's own
 * PostgreSQL DDL leaves table names unquoted (lower case), so on PostgreSQL the names are folded to match.
 */
export function openMetadataStore(url: string, onConnectionError?: (error: unknown) => void): StoreHandle<MetadataTables> {
  const store = openStore<MetadataTables>(url, { readOnly: true, ...(onConnectionError ? { onConnectionError } : {}) });
  if (store.dialect !== 'postgres') return store;
  return { ...store, db: store.db.withPlugin(new UnquotedTableNamesPlugin()) };
}
