import { InvalidInputError, NotFoundError } from '../errors/domain-errors.js';
import type { CreateExperiment } from '../experiments/experiment-service.js';
import type { ExperimentCommands, ExperimentReads } from '../experiments/experiment-store.js';
import type { Identity } from '../identity/identity.js';
import type { NamespaceDirectory } from '../kube/namespace-directory.js';
import type { ExperimentRow, StorageState } from '../store/database.js';
import { optionalDescription, requireName } from '../validation/text-input.js';
import { idFrom, readBack } from './kfp-read-back.js';
import type { KfpApiClient } from './kfp-api-client.js';

const BASE = 'apis/v2beta1/experiments';

/** Experiment writes through KFP's ExperimentService (KFP: backend/api/v2beta1/experiment.proto). */
export class KfpExperimentCommands implements ExperimentCommands {
  constructor(
    private readonly reads: ExperimentReads,
    private readonly api: KfpApiClient,
    private readonly directory: NamespaceDirectory,
  ) {}

  async get(id: string): Promise<ExperimentRow> {
    const [row] = await this.reads.byIds([id]);
    if (!row) throw new NotFoundError('experiment not found');
    return row;
  }

  async create(input: CreateExperiment, caller: Identity): Promise<ExperimentRow> {
    if (!this.directory.has(input.namespace)) throw new NotFoundError(`namespace ${input.namespace} not found`);
    const body = {
      display_name: requireName(input.name, 'input.name', 128),
      description: optionalDescription(input.description, 'input.description'),
      namespace: input.namespace,
    };
    const created = await this.api.post(BASE, caller, body);
    return readBack(() => this.get(idFrom(created, 'experiment_id')));
  }

  /** KFP's v2beta1 ExperimentService has no update call, and kfp-graph never writes KFP's tables. */
  async update(): Promise<ExperimentRow> {
    throw new InvalidInputError("KFP's API cannot rename or redescribe an experiment (v2beta1 ExperimentService has no update); create a new one", 'input');
  }

  /** KFP archives the experiment's runs and recurring runs with it (KFP: resource_manager.go ArchiveExperiment). */
  async setStorageState(id: string, state: StorageState, caller: Identity): Promise<ExperimentRow> {
    await this.api.post(`${BASE}/${encodeURIComponent(id)}:${state === 'ARCHIVED' ? 'archive' : 'unarchive'}`, caller);
    return this.get(id);
  }

  async delete(id: string, caller: Identity): Promise<ExperimentRow> {
    const current = await this.get(id);
    await this.api.delete(`${BASE}/${encodeURIComponent(id)}`, caller);
    return current;
  }
}
