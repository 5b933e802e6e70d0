import type { Kysely } from 'kysely';
import type { Database, IdempotencyKeyRow } from './database.js';

/** The request IDs of create mutations, per user (`owner`): which object each one created. */
export class IdempotencyRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async get(owner: string, requestId: string): Promise<IdempotencyKeyRow | undefined> {
    return this.#db.selectFrom('idempotency_keys').selectAll().where('owner', '=', owner).where('request_id', '=', requestId).executeTakeFirst();
  }

  /** Throws a unique violation when the user already sent this request ID (a concurrent retry). */
  async insert(row: IdempotencyKeyRow): Promise<void> {
    await this.#db.insertInto('idempotency_keys').values(row).execute();
  }

  async delete(owner: string, requestId: string): Promise<void> {
    await this.#db.deleteFrom('idempotency_keys').where('owner', '=', owner).where('request_id', '=', requestId).execute();
  }

  /** Forgets request IDs older than `before`; returns how many. */
  async prune(before: number): Promise<number> {
    const result = await this.#db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
