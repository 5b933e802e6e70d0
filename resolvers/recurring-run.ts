import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, Field, FieldResolver, Info, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../src/ids/global-id.js';
import type { RequestContext } from '../src/server/request-context.js';
import type { RecurringRunRow } from '../src/store/database.js';
import { toPageRequest } from '../src/store/page-request.js';
import { Authz } from './authz-directive.js';
import { Connection, startTotalCount, toConnection, type ConnectionShape } from './connection.js';
import { ConnectionArgs } from './connection-args.js';
import { Experiment } from './experiment.js';
import { Node } from './node-interface.js';
import { PipelineVersion } from './pipeline-version.js';
import { Run, RunConnection } from './run.js';
import { DateTime, JSONObject, toDate } from './scalars.js';

@ObjectType({ description: 'When a recurring run fires: a cron expression or a fixed interval.' })
export class RecurringRunTrigger {
  @Field(() => String, { nullable: true, description: 'Cron expression with seconds, as KFP ScheduledWorkflows take it.' })
  cron!: string | null;

  @Field(() => Int, { nullable: true })
  intervalSeconds!: number | null;

  @Field(() => DateTime, { nullable: true })
  startAt!: Date | null;

  @Field(() => DateTime, { nullable: true })
  endAt!: Date | null;
}

@Authz({ resource: 'jobs', verb: 'get', target: 'PARENT' })
@ObjectType({ implements: Node, description: 'A schedule that starts runs (a KFP recurring run, a ScheduledWorkflow in the namespace).' })
export class RecurringRun extends Node {
  readonly __typename = 'RecurringRun';
  localId!: string;
  experimentId!: string;
  pipelineVersionId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => String)
  namespace!: string;

  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => RecurringRunTrigger)
  trigger!: RecurringRunTrigger;

  @Field(() => Int)
  maxConcurrency!: number;

  @Field(() => Boolean, { description: 'Whether missed intervals are run after a pause (KFP noCatchup = !catchup).' })
  catchup!: boolean;

  @Field(() => JSONObject)
  parameters!: Record<string, unknown>;

  @Field(() => String, { description: 'The runner service account of the runs it starts.' })
  serviceAccount!: string;

  @Field(() => String, { description: 'The creator; the runs it starts are attributed to, and authorized as, this user.' })
  createdBy!: string;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime)
  updatedAt!: Date;

  static from(row: RecurringRunRow): RecurringRun {
    return Object.assign(new RecurringRun(), {
      id: toGlobalId('RecurringRun', row.id),
      localId: row.id,
      experimentId: row.experiment_id,
      pipelineVersionId: row.pipeline_version_id,
      name: row.name,
      description: row.description,
      namespace: row.namespace,
      enabled: row.enabled === 1,
      trigger: Object.assign(new RecurringRunTrigger(), {
        cron: row.cron,
        intervalSeconds: row.interval_seconds,
        startAt: toDate(row.start_at),
        endAt: toDate(row.end_at),
      }),
      maxConcurrency: row.max_concurrency,
      catchup: row.catchup === 1,
      parameters: JSON.parse(row.parameters) as Record<string, unknown>,
      serviceAccount: row.service_account,
      createdBy: row.created_by,
      createdAt: toDate(row.created_at),
      updatedAt: toDate(row.updated_at),
    });
  }
}

export const RecurringRunConnection = Connection(RecurringRun, 'RecurringRun', { totalCount: true });

@Resolver(() => RecurringRun)
export class RecurringRunFieldResolver {
  @Authz({ resource: 'experiments', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => Experiment)
  async experiment(@Root() recurring: RecurringRun, @Ctx() ctx: RequestContext): Promise<Experiment> {
    const row = await ctx.loaders.experiment.load(recurring.experimentId);
    if (!row) throw new Error(`recurring run ${recurring.localId} references missing experiment`);
    return Experiment.from(row);
  }

  @Authz({ resource: 'pipelines', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => PipelineVersion, { nullable: true })
  async pipelineVersion(@Root() recurring: RecurringRun, @Ctx() ctx: RequestContext): Promise<PipelineVersion | null> {
    const row = await ctx.loaders.pipelineVersion.load(recurring.pipelineVersionId);
    return row ? PipelineVersion.from(row) : null;
  }

  @Authz({ resource: 'runs', verb: 'list', target: 'PARENT' })
  @FieldResolver(() => RunConnection, { description: 'The runs it started, newest first.' })
  async runs(
    @Root() recurring: RecurringRun,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<Run>> {
    const total = startTotalCount(info, () => ctx.loaders.runTotal.load({ column: 'recurring_run_id', values: [recurring.localId], filter: {} }));
    const page = await ctx.app.reads.runs.list(
      [recurring.namespace],
      { recurringRunId: recurring.localId },
      undefined,
      toPageRequest(args, ctx.app.pageLimits),
    );
    return toConnection(page, Run.from, total);
  }
}
