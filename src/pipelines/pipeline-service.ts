import type { Identity } from '../identity/identity.js';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError } from '../errors/domain-errors.js';
import type { NamespaceDirectory } from '../kube/namespace-directory.js';
import { argoWorkflowSchema, type WorkflowSchema } from '../kube/workflow/workflow-schema.js';
import type { Database, PipelineRow, PipelineVersionRow } from '../store/database.js';
import { PipelineRepository, SHARED_NAMESPACE } from '../store/pipeline-repository.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { optionalDescription, requireName } from '../validation/text-input.js';
import { checkVersionSpec } from './version-spec.js';

export interface NewVersion {
  readonly name: string;
  readonly description?: string | null;
  /** YAML or JSON of an Argo Workflow (a KFP v1 package, or what the KFP v2 backend compiles). */
  readonly spec: string;
}

export interface CreatePipeline {
  /** null creates a shared pipeline. */
  readonly namespace: string | null;
  readonly name: string;
  readonly description?: string | null;
  readonly version?: NewVersion | null;
}

export class PipelineService {
  readonly #repo: PipelineRepository;
  readonly #directory: NamespaceDirectory;
  readonly #maxSpecBytes: number;
  readonly #now: () => number;
  readonly #schema: WorkflowSchema;

  constructor(
    db: Kysely<Database>,
    directory: NamespaceDirectory,
    maxSpecBytes: number,
    now: () => number = Date.now,
    schema: WorkflowSchema = argoWorkflowSchema(),
  ) {
    this.#repo = new PipelineRepository(db);
    this.#directory = directory;
    this.#maxSpecBytes = maxSpecBytes;
    this.#now = now;
    this.#schema = schema;
  }

  get repository(): PipelineRepository {
    return this.#repo;
  }

  async get(id: string): Promise<PipelineRow> {
    const [row] = await this.#repo.byIds([id]);
    if (!row) throw new NotFoundError('pipeline not found');
    return row;
  }

  async getVersion(id: string): Promise<PipelineVersionRow> {
    const [row] = await this.#repo.versionsByIds([id]);
    if (!row) throw new NotFoundError('pipeline version not found');
    return row;
  }

  /** The pipeline and its first version are validated before anything is written, then written together. */
  /** `id` is chosen by the caller when a request ID must find this pipeline again (src/idempotency). */
  async create(input: CreatePipeline, _caller?: Identity, id: string = randomUUID()): Promise<{ pipeline: PipelineRow; version: PipelineVersionRow | null }> {
    const namespace = input.namespace ?? SHARED_NAMESPACE;
    if (namespace !== SHARED_NAMESPACE && !this.#directory.has(namespace)) throw new NotFoundError(`namespace ${namespace} not found`);
    const now = this.#now();
    const pipeline: PipelineRow = {
      id,
      namespace,
      name: requireName(input.name, 'input.name'),
      description: optionalDescription(input.description, 'input.description'),
      created_at: now,
    };
    const version = input.version ? this.#versionRow(pipeline, input.version, 'input.version', now, randomUUID()) : null;
    await this.#unique(`a pipeline named "${pipeline.name}" already exists ${where(namespace)}`, () => this.#repo.insertWithVersion(pipeline, version));
    return { pipeline, version };
  }

  /** A pipeline as `create` left it: with the version it was created with, if any (a request ID's replay). */
  async createdPipeline(id: string): Promise<{ pipeline: PipelineRow; version: PipelineVersionRow | null } | undefined> {
    const [pipeline] = await this.#repo.byIds([id]);
    if (!pipeline) return undefined;
    const versions = await this.#repo.versionsByIds(await this.#repo.versionIdsOf(id));
    const first = [...versions].sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id))[0];
    return { pipeline, version: first && first.created_at === pipeline.created_at ? first : null };
  }

  async createVersion(pipelineId: string, input: NewVersion, _caller?: Identity, id: string = randomUUID()): Promise<PipelineVersionRow> {
    const pipeline = await this.get(pipelineId);
    const version = this.#versionRow(pipeline, input, 'input', this.#now(), id);
    await this.#unique(`pipeline ${pipeline.name} already has a version named "${version.name}"`, () => this.#repo.insertVersion(version));
    return version;
  }

  async update(id: string, changes: { readonly name?: string | null; readonly description?: string | null }): Promise<PipelineRow> {
    const current = await this.get(id);
    const next = {
      ...(changes.name != null ? { name: requireName(changes.name, 'input.name') } : {}),
      ...(changes.description != null ? { description: optionalDescription(changes.description, 'input.description') } : {}),
    };
    await this.#unique(`a pipeline named "${next.name ?? current.name}" already exists ${where(current.namespace)}`, () => this.#repo.update(id, next));
    return { ...current, ...next };
  }

  async updateVersion(id: string, changes: { readonly name?: string | null; readonly description?: string | null }): Promise<PipelineVersionRow> {
    const current = await this.getVersion(id);
    const next = {
      ...(changes.name != null ? { name: requireName(changes.name, 'input.name') } : {}),
      ...(changes.description != null ? { description: optionalDescription(changes.description, 'input.description') } : {}),
    };
    await this.#unique(`the pipeline already has a version named "${next.name ?? current.name}"`, () => this.#repo.updateVersion(id, next));
    return { ...current, ...next };
  }

  /** Recurring runs cannot outlive the version they start; past runs keep their history without it. */
  async delete(id: string): Promise<PipelineRow> {
    const current = await this.get(id);
    const versionIds = await this.#repo.versionIdsOf(id);
    const users = await this.#repo.recurringRunsUsing(versionIds);
    if (users > 0) throw new ConflictError(`pipeline ${current.name} is used by ${users} recurring run(s); delete them first`);
    await this.#repo.delete(id);
    return current;
  }

  async deleteVersion(id: string): Promise<PipelineVersionRow> {
    const current = await this.getVersion(id);
    const users = await this.#repo.recurringRunsUsing([id]);
    if (users > 0) throw new ConflictError(`pipeline version ${current.name} is used by ${users} recurring run(s); delete them first`);
    await this.#repo.deleteVersion(id);
    return current;
  }

  #versionRow(pipeline: PipelineRow, input: NewVersion, path: string, now: number, id: string): PipelineVersionRow {
    // An Argo Workflow or a KFP v2 IR PipelineSpec, validated either way (version-spec.ts).
    const canonical = checkVersionSpec(input.spec, this.#maxSpecBytes, `${path}.spec`, this.#schema).canonicalJson;
    return {
      id,
      pipeline_id: pipeline.id,
      namespace: pipeline.namespace,
      name: requireName(input.name, `${path}.name`),
      description: optionalDescription(input.description, `${path}.description`),
      spec: canonical,
      created_at: now,
    };
  }

  async #unique(message: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(message);
      throw error;
    }
  }
}

function where(namespace: string): string {
  return namespace === SHARED_NAMESPACE ? 'among shared pipelines' : `in namespace ${namespace}`;
}
