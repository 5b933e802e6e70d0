import type { Identity } from '../identity/identity.js';
import type { PipelineRow, PipelineVersionRow } from '../store/database.js';
import type { Page } from '../store/keyset-page.js';
import type { ListOrder } from '../store/list-order.js';
import type { PageRequest } from '../store/page-request.js';
import type { PipelineFilter } from '../store/pipeline-repository.js';
import type { CreatePipeline, NewVersion } from './pipeline-service.js';

/** The mode seam for pipelines and their versions (reads). Shared pipelines have namespace ''. */
export interface PipelineReads {
  byIds(ids: readonly string[]): Promise<readonly PipelineRow[]>;
  versionsByIds(ids: readonly string[]): Promise<readonly PipelineVersionRow[]>;
  /** The newest version of each pipeline, in one statement for any number of pipelines. */
  latestVersions(pipelineIds: readonly string[]): Promise<readonly PipelineVersionRow[]>;
  list(namespaces: readonly string[], filter: PipelineFilter, order: ListOrder | undefined, page: PageRequest): Promise<Page<PipelineRow>>;
  listVersions(pipelineId: string, order: ListOrder | undefined, page: PageRequest): Promise<Page<PipelineVersionRow>>;
}

export interface PipelineChanges {
  readonly name?: string | null;
  readonly description?: string | null;
}

/** Pipeline writes. Authorized before the call; `caller` is forwarded in kfp mode. */
export interface PipelineCommands {
  get(id: string): Promise<PipelineRow>;
  getVersion(id: string): Promise<PipelineVersionRow>;
  create(input: CreatePipeline, caller: Identity): Promise<{ pipeline: PipelineRow; version: PipelineVersionRow | null }>;
  createVersion(pipelineId: string, input: NewVersion, caller: Identity): Promise<PipelineVersionRow>;
  update(id: string, changes: PipelineChanges, caller: Identity): Promise<PipelineRow>;
  updateVersion(id: string, changes: PipelineChanges, caller: Identity): Promise<PipelineVersionRow>;
  delete(id: string, caller: Identity): Promise<PipelineRow>;
  deleteVersion(id: string, caller: Identity): Promise<PipelineVersionRow>;
}
