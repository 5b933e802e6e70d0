import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { isUniqueViolation } from '../store/unique-violation.js';

/** The sync controller's resumption points (`controller_state`), one row per watched resource. */
export class ControllerStateStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async get(name: string): Promise<string | null> {
    const row = await this.#db.selectFrom('controller_state').select('value').where('name', '=', name).executeTakeFirst();
    return row?.value ?? null;
  }

  async set(name: string, value: string, now: number): Promise<void> {
    const updated = await this.#db.updateTable('controller_state').set({ value, updated_at: now }).where('name', '=', name).executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return;
    try {
      await this.#db.insertInto('controller_state').values({ name, value, updated_at: now }).execute();
    } catch (error) {
      // Another replica inserted it first (a leadership hand-over): overwrite.
      if (!isUniqueViolation(error)) throw error;
      await this.#db.updateTable('controller_state').set({ value, updated_at: now }).where('name', '=', name).execute();
    }
  }

  async clear(name: string): Promise<void> {
    await this.#db.deleteFrom('controller_state').where('name', '=', name).execute();
  }
}
