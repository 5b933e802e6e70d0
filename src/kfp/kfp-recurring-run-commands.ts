import type { Config } from '../config/config.js';
import { InvalidInputError, NotFoundError } from '../errors/domain-errors.js';
import type { Identity } from '../identity/identity.js';
import { normalizeCron } from '../recurring-runs/cron-schedule.js';
import type { CreateRecurringRun } from '../recurring-runs/recurring-run-service.js';
import type { RecurringRunCommands, RecurringRunReads } from '../recurring-runs/recurring-run-store.js';
import type { RecurringRunRow } from '../store/database.js';
import type { KfpApiClient, KfpJson } from './kfp-api-client.js';
import { idFrom, readBack } from './kfp-read-back.js';
import { kfpRunBody, type KfpRunSource } from './kfp-run-commands.js';

const BASE = 'apis/v2beta1/recurringruns';
/** KFP's bounds on max_concurrency (KFP: backend/src/apiserver/server/job_server.go). */
const MAX_CONCURRENCY = 10;

/** Recurring-run writes through KFP's RecurringRunService; KFP creates the ScheduledWorkflow. */
export class KfpRecurringRunCommands implements RecurringRunCommands {
  constructor(
    private readonly reads: RecurringRunReads,
    private readonly source: KfpRunSource,
    private readonly api: KfpApiClient,
    private readonly config: Config,
  ) {}

  async get(id: string): Promise<RecurringRunRow> {
    const [row] = await this.reads.byIds([id]);
    if (!row) throw new NotFoundError('recurring run not found');
    return row;
  }

  async create(input: CreateRecurringRun, creator: Identity): Promise<RecurringRunRow> {
    const maxConcurrency = input.maxConcurrency ?? 1;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > MAX_CONCURRENCY) {
      throw new InvalidInputError(`maxConcurrency must be between 1 and ${MAX_CONCURRENCY}`, 'input.maxConcurrency');
    }
    const trigger = triggerOf(input);
    const run = await kfpRunBody(this.source, this.config, input);
    const body = {
      ...run,
      namespace: input.namespace,
      max_concurrency: String(maxConcurrency),
      no_catchup: !(input.catchup ?? true),
      mode: (input.enabled ?? true) ? 'ENABLE' : 'DISABLE',
      trigger,
    };
    const created = await this.api.post(BASE, creator, body as unknown as KfpJson);
    return readBack(() => this.get(idFrom(created, 'recurring_run_id')));
  }

  async setEnabled(id: string, enabled: boolean, caller: Identity): Promise<RecurringRunRow> {
    await this.get(id);
    await this.api.post(`${BASE}/${encodeURIComponent(id)}:${enabled ? 'enable' : 'disable'}`, caller);
    return this.get(id);
  }

  async delete(id: string, caller: Identity): Promise<RecurringRunRow> {
    const current = await this.get(id);
    await this.api.delete(`${BASE}/${encodeURIComponent(id)}`, caller);
    return current;
  }
}

/** KFP's Trigger: a cron (seconds first, as KFP's ScheduledWorkflow controller parses it) or an interval. */
function triggerOf(input: CreateRecurringRun): KfpJson {
  const hasCron = input.cron != null && input.cron !== '';
  const hasInterval = input.intervalSeconds != null;
  if (hasCron === hasInterval) throw new InvalidInputError('give exactly one of cron and intervalSeconds', 'input.cron');
  if (hasInterval && (!Number.isInteger(input.intervalSeconds) || (input.intervalSeconds as number) < 1)) {
    throw new InvalidInputError('intervalSeconds must be a positive integer', 'input.intervalSeconds');
  }
  if (input.startAt && input.endAt && input.endAt.getTime() <= input.startAt.getTime())
    throw new InvalidInputError('endAt must be after startAt', 'input.endAt');
  const window = { ...(input.startAt ? { start_time: input.startAt.toISOString() } : {}), ...(input.endAt ? { end_time: input.endAt.toISOString() } : {}) };
  return hasCron
    ? { cron_schedule: { ...window, cron: normalizeCron(input.cron as string) } }
    : { periodic_schedule: { ...window, interval_second: String(input.intervalSeconds) } };
}
