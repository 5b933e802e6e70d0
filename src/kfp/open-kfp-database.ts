import { openStore, type StoreHandle } from '../store/store-handle.js';
import type { KfpDatabase } from './kfp-tables.js';

/**
 * KFP's mlpipeline database (KFP_DATABASE_URL), opened read-only: on PostgreSQL every session is READ ONLY;
 * on MySQL the account should be granted SELECT only (README "Beside an existing Kubeflow").
 */
export function openKfpDatabase(url: string): StoreHandle<KfpDatabase> {
  return openStore<KfpDatabase>(url, { readOnly: true });
}
