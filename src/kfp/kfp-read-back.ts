import { UnavailableError } from '../errors/domain-errors.js';
import type { KfpJson } from './kfp-api-client.js';

/** The id KFP's answer names (`experiment_id`, `run_id`, …); an answer without it is KFP misbehaving. */
export function idFrom(answer: KfpJson, field: string): string {
  const id = answer[field];
  if (typeof id !== 'string' || id === '') throw new UnavailableError(`KFP's API server answered without ${field}`);
  return id;
}

/**
 * Read-your-writes: KFP commits a create before it answers, so the row is read back from KFP's database.
 * A replica that lags is retried briefly rather than reported as missing.
 */
export async function readBack<T>(read: () => Promise<T>, attempts = 5, delayMs = 100): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs * attempt));
    }
  }
}
