import type { Identity } from '../identity/identity.js';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError } from '../errors/domain-errors.js';
import type { NamespaceDirectory } from '../kube/namespace-directory.js';
import type { Database, ExperimentRow, StorageState } from '../store/database.js';
import { ExperimentRepository } from '../store/experiment-repository.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { optionalDescription, requireName } from '../validation/text-input.js';

export interface CreateExperiment {
  readonly namespace: string;
  readonly name: string;
  readonly description?: string | null;
}

export interface UpdateExperiment {
  readonly name?: string | null;
  readonly description?: string | null;
}

/** The cluster side of archiving: the experiment's ScheduledWorkflows (RecurringRunService). */
export interface ExperimentSchedules {
  disableScheduledWorkflows(experimentId: string): Promise<void>;
}

/** The business rules of experiments; authorization happened before a call reaches here. */
export class ExperimentService {
  readonly #db: Kysely<Database>;
  readonly #repo: ExperimentRepository;
  readonly #directory: NamespaceDirectory;
  readonly #schedules: ExperimentSchedules;
  readonly #now: () => number;

  constructor(db: Kysely<Database>, directory: NamespaceDirectory, schedules: ExperimentSchedules, now: () => number = Date.now) {
    this.#db = db;
    this.#repo = new ExperimentRepository(db);
    this.#directory = directory;
    this.#schedules = schedules;
    this.#now = now;
  }

  async get(id: string): Promise<ExperimentRow> {
    const [row] = await this.#repo.byIds([id]);
    if (!row) throw new NotFoundError('experiment not found');
    return row;
  }

  /** `id` is chosen by the caller when a request ID must find this experiment again (src/idempotency). */
  async create(input: CreateExperiment, _caller?: Identity, id: string = randomUUID()): Promise<ExperimentRow> {
    if (!this.#directory.has(input.namespace)) throw new NotFoundError(`namespace ${input.namespace} not found`);
    const row: ExperimentRow = {
      id,
      namespace: input.namespace,
      name: requireName(input.name, 'input.name'),
      description: optionalDescription(input.description, 'input.description'),
      storage_state: 'AVAILABLE',
      created_at: this.#now(),
    };
    await this.#unique(row.namespace, row.name, () => this.#repo.insert(row));
    return row;
  }

  async update(id: string, changes: UpdateExperiment): Promise<ExperimentRow> {
    const current = await this.get(id);
    const next = {
      ...(changes.name != null ? { name: requireName(changes.name, 'input.name') } : {}),
      ...(changes.description != null ? { description: optionalDescription(changes.description, 'input.description') } : {}),
    };
    await this.#unique(current.namespace, next.name ?? current.name, () => this.#repo.update(id, next));
    return { ...current, ...next };
  }

  /**
   * As KFP's `ArchiveExperiment` (KFP: backend/src/apiserver/resource/resource_manager.go and
   * storage/experiment_store.go): the experiment's ScheduledWorkflows are disabled in the cluster first, then one
   * transaction archives the experiment and its runs and disables its recurring runs. If the cluster refuses, nothing
   * is archived. Unarchiving (`UnarchiveExperiment`) restores only the experiment: runs stay archived and recurring
   * runs disabled, to be re-enabled one by one.
   */
  async setStorageState(id: string, state: StorageState): Promise<ExperimentRow> {
    const current = await this.get(id);
    if (state === 'ARCHIVED') await this.#schedules.disableScheduledWorkflows(id);
    await this.#db.transaction().execute(async (tx) => {
      await tx.updateTable('experiments').set({ storage_state: state }).where('id', '=', id).execute();
      if (state === 'ARCHIVED') {
        const now = this.#now();
        await tx.updateTable('runs').set({ storage_state: 'ARCHIVED', updated_at: now }).where('experiment_id', '=', id).execute();
        await tx.updateTable('recurring_runs').set({ enabled: 0, updated_at: now }).where('experiment_id', '=', id).where('enabled', '=', 1).execute();
      }
    });
    return { ...current, storage_state: state };
  }

  /** Refuses while runs or recurring runs still belong to it, so deleting never orphans or loses history. */
  async delete(id: string): Promise<ExperimentRow> {
    const current = await this.get(id);
    const [runs, recurring] = await Promise.all([
      this.#db.selectFrom('runs').select('id').where('experiment_id', '=', id).limit(1).executeTakeFirst(),
      this.#db.selectFrom('recurring_runs').select('id').where('experiment_id', '=', id).limit(1).executeTakeFirst(),
    ]);
    if (runs || recurring) {
      throw new ConflictError(`experiment ${current.name} still has runs or recurring runs; delete or move them first, or archive the experiment`);
    }
    await this.#repo.delete(id);
    return current;
  }

  async #unique(namespace: string, name: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`an experiment named "${name}" already exists in namespace ${namespace}`);
      throw error;
    }
  }
}
