import { InvalidInputError, NotFoundError } from '../errors/domain-errors.js';
import type { Identity } from '../identity/identity.js';
import type { NamespaceDirectory } from '../kube/namespace-directory.js';
import type { CreatePipeline, NewVersion } from '../pipelines/pipeline-service.js';
import type { PipelineCommands, PipelineReads } from '../pipelines/pipeline-store.js';
import { checkVersionSpec } from '../pipelines/version-spec.js';
import type { PipelineRow, PipelineVersionRow } from '../store/database.js';
import { optionalDescription, requireName } from '../validation/text-input.js';
import type { KfpApiClient } from './kfp-api-client.js';
import { idFrom, readBack } from './kfp-read-back.js';

const BASE = 'apis/v2beta1/pipelines';

/**
 * Pipeline writes through KFP's PipelineService. Specs go through KFP's upload API, which takes both a KFP v2
 * IR PipelineSpec and an Argo Workflow (KFP: apiserver/server/pipeline_upload_server.go), after kfp-graph
 * validated them as it does in standalone mode.
 */
export class KfpPipelineCommands implements PipelineCommands {
  constructor(
    private readonly reads: PipelineReads,
    private readonly api: KfpApiClient,
    private readonly directory: NamespaceDirectory,
    private readonly maxSpecBytes: number,
  ) {}

  async get(id: string): Promise<PipelineRow> {
    const [row] = await this.reads.byIds([id]);
    if (!row) throw new NotFoundError('pipeline not found');
    return row;
  }

  async getVersion(id: string): Promise<PipelineVersionRow> {
    const [row] = await this.reads.versionsByIds([id]);
    if (!row) throw new NotFoundError('pipeline version not found');
    return row;
  }

  /** The pipeline, then its version; a version KFP refuses deletes the pipeline just created. */
  async create(input: CreatePipeline, caller: Identity): Promise<{ pipeline: PipelineRow; version: PipelineVersionRow | null }> {
    const namespace = input.namespace ?? '';
    if (namespace !== '' && !this.directory.has(namespace)) throw new NotFoundError(`namespace ${namespace} not found`);
    const name = requireName(input.name, 'input.name', 128);
    const description = optionalDescription(input.description, 'input.description');
    const version = input.version ? this.#version(input.version, 'input.version') : null;
    const created = await this.api.post(BASE, caller, { name, display_name: name, description, ...(namespace ? { namespace } : {}) });
    const pipelineId = idFrom(created, 'pipeline_id');
    let versionRow: PipelineVersionRow | null = null;
    if (version) {
      try {
        versionRow = await this.#upload(pipelineId, version, caller);
      } catch (error) {
        await this.api.delete(`${BASE}/${encodeURIComponent(pipelineId)}`, caller).catch(() => undefined);
        throw error;
      }
    }
    return { pipeline: await readBack(() => this.get(pipelineId)), version: versionRow };
  }

  async createVersion(pipelineId: string, input: NewVersion, caller: Identity): Promise<PipelineVersionRow> {
    await this.get(pipelineId);
    return this.#upload(pipelineId, this.#version(input, 'input'), caller);
  }

  async update(): Promise<PipelineRow> {
    throw new InvalidInputError("kfp mode: a KFP pipeline is renamed through KFP's own UI; kfp-graph does not change KFP's names", 'input');
  }

  async updateVersion(): Promise<PipelineVersionRow> {
    throw new InvalidInputError('kfp mode: KFP pipeline versions are immutable here; upload a new version', 'input');
  }

  /** `cascade` deletes the versions too, as standalone does (KFP refuses a pipeline with versions otherwise). */
  async delete(id: string, caller: Identity): Promise<PipelineRow> {
    const current = await this.get(id);
    await this.api.delete(`${BASE}/${encodeURIComponent(id)}`, caller, { cascade: 'true' });
    return current;
  }

  async deleteVersion(id: string, caller: Identity): Promise<PipelineVersionRow> {
    const current = await this.getVersion(id);
    await this.api.delete(`${BASE}/${encodeURIComponent(current.pipeline_id)}/versions/${encodeURIComponent(id)}`, caller);
    return current;
  }

  #version(input: NewVersion, path: string): { name: string; description: string; spec: string } {
    checkVersionSpec(input.spec, this.maxSpecBytes, `${path}.spec`);
    return { name: requireName(input.name, `${path}.name`, 127), description: optionalDescription(input.description, `${path}.description`), spec: input.spec };
  }

  async #upload(pipelineId: string, version: { name: string; description: string; spec: string }, caller: Identity): Promise<PipelineVersionRow> {
    const answer = await this.api.upload(`${BASE}/upload_version`, caller, version.spec, {
      pipelineid: pipelineId,
      name: version.name,
      display_name: version.name,
      description: version.description,
    });
    const id = idFrom(answer, 'pipeline_version_id');
    return readBack(() => this.getVersion(id));
  }
}
