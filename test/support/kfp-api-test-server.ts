import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KfpRowWriter } from './kfp-mlpipeline.js';
import { KfpOpenApi, type MatchedOperation } from './kfp-openapi-validator.js';

/**
 * Test code, never product code: an HTTP server standing in for KFP's API server (which cannot be built on
 * these machines). Every request is checked against KFP's published v2beta1 OpenAPI document (path, method,
 * query, body shape) and its forwarded identity recorded; an accepted write is then applied to the test
 * mlpipeline database the way KFP's resource manager writes it, so kfp-graph's own client runs unchanged
 * over a real socket and reads its writes back from the database.
 */
export interface RecordedKfpRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly operationId: string;
  /** The kubeflow-userid header as received (KFP reads it), or null. */
  readonly user: string | null;
  /** The Authorization header as received, or null. */
  readonly authorization: string | null;
  readonly body: unknown;
}

export interface KfpApiTestServer {
  readonly url: string;
  readonly requests: RecordedKfpRequest[];
  /** Requests that did not fit KFP's OpenAPI document; a test expects none. */
  readonly violations: string[];
  /** The next request is answered with this status and KFP-shaped error body instead of being served. */
  failNext(status: number, message: string): void;
  /** Delay every answer (to test timeouts). */
  delayMs: number;
  close(): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const GRPC_CODES: Readonly<Record<number, number>> = { 400: 3, 403: 7, 404: 5, 409: 6, 500: 13, 503: 14 };

export async function startKfpApiTestServer(writer: KfpRowWriter, options: { readonly userHeader?: string } = {}): Promise<KfpApiTestServer> {
  const api = new KfpOpenApi();
  const userHeader = (options.userHeader ?? 'kubeflow-userid').toLowerCase();
  const requests: RecordedKfpRequest[] = [];
  const violations: string[] = [];
  let failure: Answer | null = null;
  const state = { delayMs: 0 };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => send(res, { status: 500, body: { code: 13, message: String(error) } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://kfp.test');
    const contentType = req.headers['content-type'] ?? '';
    const isJson = contentType.startsWith('application/json');
    const body: unknown = raw.length > 0 && isJson ? JSON.parse(raw.toString('utf8')) : undefined;
    const method = req.method ?? 'GET';
    const checked = api.check(method, url, body, contentType);
    violations.push(...checked.problems.map((p) => `${method} ${url.pathname}: ${p}`));
    requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      operationId: checked.operation?.operationId ?? '',
      user: (req.headers[userHeader] as string | undefined) ?? null,
      authorization: req.headers.authorization ?? null,
      body: contentType.startsWith('multipart/form-data') ? { uploadfile: fileOf(raw, contentType) } : body,
    });
    if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
    if (checked.problems.length > 0 || !checked.operation) {
      send(res, { status: checked.operation ? 400 : 404, body: { code: checked.operation ? 3 : 5, message: checked.problems.join('; ') } });
      return;
    }
    if (!req.headers[userHeader] && !req.headers.authorization) {
      send(res, { status: 401, body: { code: 16, message: 'Request header error: there is no user identity header.' } });
      return;
    }
    if (failure) {
      const answer = failure;
      failure = null;
      send(res, answer);
      return;
    }
    send(res, await serve(writer, checked.operation, url, body, raw, contentType));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    failNext(status, message) {
      failure = { status, body: { code: GRPC_CODES[status] ?? 2, message, details: [] } };
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(answer.body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The `uploadfile` part of a multipart/form-data body. */
function fileOf(raw: Buffer, contentType: string): string | null {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) return null;
  for (const part of raw.toString('utf8').split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split === -1) continue;
    const headers = part.slice(0, split);
    if (/name="uploadfile"/.test(headers)) return part.slice(split + 4).replace(/\r\n$/, '');
  }
  return null;
}

const now = () => Math.floor(Date.now() / 1000);
const notFound = (what: string): Answer => ({ status: 404, body: { code: 5, message: `${what} not found`, details: [] } });

type Json = Record<string, unknown>;

/** What KFP's resource manager does for each write (KFP: backend/src/apiserver/resource/resource_manager.go). */
async function serve(writer: KfpRowWriter, op: MatchedOperation, url: URL, body: unknown, raw: Buffer, contentType: string): Promise<Answer> {
  const db = writer.db;
  const b = (body ?? {}) as Json;
  const p = op.pathParams;
  const exists = async (table: string, id: string | undefined) =>
    id !== undefined && (await db.selectFrom(table).select('UUID').where('UUID', '=', id).executeTakeFirst()) !== undefined;
  switch (op.operationId) {
    case 'ExperimentService_CreateExperiment': {
      const namespace = String(b.namespace ?? '');
      const name = String(b.display_name ?? '');
      const clash = await db.selectFrom('experiments').select('UUID').where('Name', '=', name).where('Namespace', '=', namespace).executeTakeFirst();
      if (clash) return { status: 409, body: { code: 6, message: `Failed to create experiment: already exist experiment with name ${name}` } };
      const id = await writer.experiment({ namespace, name, createdAtSec: now() });
      return { status: 200, body: { experiment_id: id, display_name: name, namespace, storage_state: 'AVAILABLE' } };
    }
    case 'ExperimentService_ArchiveExperiment':
    case 'ExperimentService_UnarchiveExperiment': {
      if (!(await exists('experiments', p.experiment_id))) return notFound('Experiment');
      const state = op.operationId.endsWith('UnarchiveExperiment') ? 'AVAILABLE' : 'ARCHIVED';
      await writer.update('experiments', p.experiment_id as string, { StorageState: state });
      // KFP archives the experiment's runs and disables its jobs with it; unarchiving restores only the experiment.
      if (state === 'ARCHIVED') {
        await db
          .updateTable('run_details')
          .set({ StorageState: 'ARCHIVED' })
          .where('ExperimentUUID', '=', p.experiment_id as string)
          .execute();
        await db
          .updateTable('jobs')
          .set({ Enabled: false })
          .where('ExperimentUUID', '=', p.experiment_id as string)
          .execute();
      }
      return { status: 200, body: {} };
    }
    case 'ExperimentService_DeleteExperiment': {
      if (!(await exists('experiments', p.experiment_id))) return notFound('Experiment');
      await writer.remove('experiments', p.experiment_id as string);
      return { status: 200, body: {} };
    }
    case 'PipelineService_CreatePipeline': {
      const id = await writer.pipeline({ namespace: String(b.namespace ?? ''), name: String(b.name ?? b.display_name ?? ''), createdAtSec: now() });
      return { status: 200, body: { pipeline_id: id, name: b.name, display_name: b.display_name, namespace: b.namespace ?? '' } };
    }
    case 'UploadPipelineVersion': {
      const pipelineId = url.searchParams.get('pipelineid') ?? '';
      if (!(await exists('pipelines', pipelineId))) return notFound('Pipeline');
      const spec = fileOf(raw, contentType);
      if (!spec) return { status: 400, body: { code: 3, message: 'Failed to create a pipeline version due to error parsing pipeline spec filename' } };
      const id = await writer.version({ pipelineId, name: url.searchParams.get('name') ?? '', spec, createdAtSec: now() });
      return { status: 200, body: { pipeline_version_id: id, pipeline_id: pipelineId, name: url.searchParams.get('name') } };
    }
    case 'PipelineService_DeletePipeline': {
      if (!(await exists('pipelines', p.pipeline_id))) return notFound('Pipeline');
      const versions = await db
        .selectFrom('pipeline_versions')
        .select('UUID')
        .where('PipelineId', '=', p.pipeline_id as string)
        .execute();
      if (versions.length > 0 && url.searchParams.get('cascade') !== 'true')
        return { status: 400, body: { code: 9, message: 'pipeline has versions; set cascade' } };
      await db
        .deleteFrom('pipeline_versions')
        .where('PipelineId', '=', p.pipeline_id as string)
        .execute();
      await writer.remove('pipelines', p.pipeline_id as string);
      return { status: 200, body: {} };
    }
    case 'PipelineService_DeletePipelineVersion': {
      if (!(await exists('pipeline_versions', p.pipeline_version_id))) return notFound('PipelineVersion');
      await writer.remove('pipeline_versions', p.pipeline_version_id as string);
      return { status: 200, body: {} };
    }
    case 'RunService_CreateRun': {
      const experiment = await db
        .selectFrom('experiments')
        .select(['UUID', 'Namespace'])
        .where('UUID', '=', String(b.experiment_id ?? ''))
        .executeTakeFirst();
      if (!experiment) return notFound('Experiment');
      const ref = (b.pipeline_version_reference ?? {}) as Json;
      const id = randomUUID();
      await writer.run({
        id,
        namespace: String(experiment.Namespace),
        experimentId: String(experiment.UUID),
        name: String(b.display_name ?? ''),
        createdAtSec: now(),
        pipelineId: String(ref.pipeline_id ?? ''),
        pipelineVersionId: String(ref.pipeline_version_id ?? ''),
        state: 'PENDING',
        parameters: ((b.runtime_config as Json | undefined)?.parameters ?? {}) as Json,
      });
      return { status: 200, body: { run_id: id, display_name: b.display_name, experiment_id: experiment.UUID, state: 'PENDING' } };
    }
    case 'RunService_TerminateRun':
    case 'RunService_RetryRun':
    case 'RunService_ArchiveRun':
    case 'RunService_UnarchiveRun': {
      if (!(await exists('run_details', p.run_id))) return notFound('Run');
      const changes: Json =
        op.operationId === 'RunService_TerminateRun'
          ? { State: 'CANCELING' }
          : op.operationId === 'RunService_RetryRun'
            ? { State: 'RUNNING', FinishedAtInSec: 0 }
            : { StorageState: op.operationId === 'RunService_ArchiveRun' ? 'ARCHIVED' : 'AVAILABLE' };
      await writer.update('run_details', p.run_id as string, changes);
      return { status: 200, body: {} };
    }
    case 'RunService_DeleteRun': {
      if (!(await exists('run_details', p.run_id))) return notFound('Run');
      await writer.remove('run_details', p.run_id as string);
      return { status: 200, body: {} };
    }
    case 'RecurringRunService_CreateRecurringRun': {
      const ref = (b.pipeline_version_reference ?? {}) as Json;
      const trigger = (b.trigger ?? {}) as { cron_schedule?: Json; periodic_schedule?: Json };
      const seconds = (value: unknown) => (typeof value === 'string' ? Math.floor(Date.parse(value) / 1000) : 0);
      const window = trigger.cron_schedule ?? trigger.periodic_schedule ?? {};
      const id = await writer.job({
        namespace: String(b.namespace ?? ''),
        experimentId: String(b.experiment_id ?? ''),
        name: String(b.display_name ?? ''),
        createdAtSec: now(),
        pipelineId: String(ref.pipeline_id ?? ''),
        pipelineVersionId: String(ref.pipeline_version_id ?? ''),
        cron: trigger.cron_schedule ? String(trigger.cron_schedule.cron) : null,
        intervalSeconds: trigger.periodic_schedule ? Number(trigger.periodic_schedule.interval_second) : null,
        enabled: b.mode !== 'DISABLE',
        noCatchup: b.no_catchup === true,
        maxConcurrency: Number(b.max_concurrency ?? 1),
        startSec: seconds(window.start_time),
        endSec: seconds(window.end_time),
        parameters: ((b.runtime_config as Json | undefined)?.parameters ?? {}) as Json,
      });
      return { status: 200, body: { recurring_run_id: id } };
    }
    case 'RecurringRunService_EnableRecurringRun':
    case 'RecurringRunService_DisableRecurringRun': {
      if (!(await exists('jobs', p.recurring_run_id))) return notFound('RecurringRun');
      const enabled = op.operationId === 'RecurringRunService_EnableRecurringRun';
      await writer.update('jobs', p.recurring_run_id as string, { Enabled: enabled, Conditions: enabled ? 'ENABLED' : 'DISABLED' });
      return { status: 200, body: {} };
    }
    case 'RecurringRunService_DeleteRecurringRun': {
      if (!(await exists('jobs', p.recurring_run_id))) return notFound('RecurringRun');
      await writer.remove('jobs', p.recurring_run_id as string);
      return { status: 200, body: {} };
    }
    default:
      return { status: 501, body: { code: 12, message: `the KFP test server does not serve ${op.operationId}` } };
  }
}
