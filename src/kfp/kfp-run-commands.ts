import type { WriteGuard } from '../app/write-guard.js';
import type { Config } from '../config/config.js';
import { InvalidInputError, NotFoundError } from '../errors/domain-errors.js';
import type { ExperimentReads } from '../experiments/experiment-store.js';
import type { Identity } from '../identity/identity.js';
import { checkIrRunParameters, irParameters, isPipelineSpec } from '../pipelines/ir-pipeline-spec.js';
import type { PipelineReads } from '../pipelines/pipeline-store.js';
import type { CreateRun } from '../runs/run-service.js';
import { runnerServiceAccount, runParameters } from '../runs/run-spec-source.js';
import type { RunCommands, RunReads } from '../runs/run-store.js';
import type { RunRow, StorageState } from '../store/database.js';
import { optionalDescription, requireName } from '../validation/text-input.js';
import type { KfpApiClient, KfpJson } from './kfp-api-client.js';
import { idFrom, readBack } from './kfp-read-back.js';

const BASE = 'apis/v2beta1/runs';

export interface KfpRunSource {
  readonly experiments: ExperimentReads;
  readonly pipelines: PipelineReads;
}

/** What a run and a recurring run both send KFP: the version reference, runtime config and service account. */
export interface KfpRunBody {
  readonly display_name: string;
  readonly description: string;
  readonly experiment_id: string;
  readonly pipeline_version_reference: { readonly pipeline_id: string; readonly pipeline_version_id: string };
  readonly runtime_config: { readonly parameters: Readonly<Record<string, unknown>> };
  readonly service_account: string;
}

/**
 * Validates a run request as standalone does (experiment in the namespace, a version the namespace may use,
 * parameters against the version's declarations), then builds the body of KFP's CreateRun/CreateRecurringRun.
 */
export async function kfpRunBody(source: KfpRunSource, config: Config, input: CreateRun): Promise<KfpRunBody> {
  const name = requireName(input.name, 'input.name', 128);
  const description = optionalDescription(input.description, 'input.description');
  const [experiment] = await source.experiments.byIds([input.experimentId]);
  if (!experiment || experiment.namespace !== input.namespace)
    throw new InvalidInputError(`experiment not found in namespace ${input.namespace}`, 'input.experimentId');
  if (!input.pipelineVersionId) {
    throw new InvalidInputError(
      'kfp mode: a run is created from a pipeline version (KFP stores the spec); upload the workflow as a version first',
      'input.pipelineVersionId',
    );
  }
  const [version] = await source.pipelines.versionsByIds([input.pipelineVersionId]);
  if (!version || (version.namespace !== '' && version.namespace !== input.namespace)) {
    throw new NotFoundError('pipeline version not found', { path: 'input.pipelineVersionId' });
  }
  const spec: unknown = JSON.parse(version.spec);
  // An IR run's parameters are typed JSON values (protobuf Value); an Argo one's are strings.
  const parameters = isPipelineSpec(spec)
    ? checkIrRunParameters(input.parameters, irParameters(spec as Record<string, unknown>))
    : runParameters(input.parameters);
  return {
    display_name: name,
    description,
    experiment_id: experiment.id,
    pipeline_version_reference: { pipeline_id: version.pipeline_id, pipeline_version_id: version.id },
    runtime_config: { parameters },
    service_account: runnerServiceAccount(input.serviceAccount, config),
  };
}

/** Run writes through KFP's RunService (KFP: backend/api/v2beta1/run.proto); KFP builds and submits the Workflow. */
export class KfpRunCommands implements RunCommands {
  constructor(
    private readonly reads: RunReads,
    private readonly source: KfpRunSource,
    private readonly api: KfpApiClient,
    private readonly config: Config,
  ) {}

  async get(id: string): Promise<RunRow> {
    const [row] = await this.reads.byIds([id]);
    if (!row) throw new NotFoundError('run not found');
    return row;
  }

  async create(input: CreateRun, creator: Identity, call: { readonly requestId?: string | null; readonly guard?: WriteGuard } = {}): Promise<RunRow> {
    // KFP's API chooses the run's ID, so a retry could not be recognised: refused rather than promised.
    if (call.requestId)
      throw new InvalidInputError(
        'requestId is not supported with KFP_MODE=kfp: KFP chooses the ID of what it creates, so a retry could not be recognised',
        'input.requestId',
      );
    const body = await kfpRunBody(this.source, this.config, input);
    call.guard?.beginWrite();
    const created = await this.api.post(BASE, creator, body as unknown as KfpJson);
    return readBack(() => this.get(idFrom(created, 'run_id')));
  }

  async terminate(id: string, caller: Identity): Promise<RunRow> {
    return this.#action(id, 'terminate', caller);
  }

  async retry(id: string, caller: Identity): Promise<RunRow> {
    return this.#action(id, 'retry', caller);
  }

  async setStorageState(id: string, state: StorageState, caller: Identity): Promise<RunRow> {
    return this.#action(id, state === 'ARCHIVED' ? 'archive' : 'unarchive', caller);
  }

  async delete(id: string, caller: Identity): Promise<RunRow> {
    const current = await this.get(id);
    await this.api.delete(`${BASE}/${encodeURIComponent(id)}`, caller);
    return current;
  }

  async #action(id: string, verb: string, caller: Identity): Promise<RunRow> {
    await this.get(id);
    await this.api.post(`${BASE}/${encodeURIComponent(id)}:${verb}`, caller);
    return this.get(id);
  }
}
