import { Ctx, Directive, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../src/ids/global-id.js';
import type { RequestContext } from '../src/server/request-context.js';
import type { RunRow } from '../src/store/database.js';
import { Artifact } from './artifact.js';
import { Authz } from './authz-directive.js';
import { Connection } from './connection.js';
import { StorageStateEnum } from './connection-args.js';
import { RunStateEnum } from './enums.js';
import { Execution } from './execution.js';
import { Experiment } from './experiment.js';
import { Node } from './node-interface.js';
import { PipelineVersion } from './pipeline-version.js';
import { RecurringRun } from './recurring-run.js';
import { DateTime, JSONObject, toDate } from './scalars.js';

@Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
@Directive('@key(fields: "id")')
@ObjectType({ implements: Node, description: 'One execution of a pipeline version: an Argo Workflow in the namespace, and its record.' })
export class Run extends Node {
  readonly __typename = 'Run';
  localId!: string;
  experimentId!: string;
  pipelineVersionId!: string | null;
  recurringRunId!: string | null;
  row!: RunRow;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => String)
  namespace!: string;

  @Field(() => RunStateEnum)
  state!: RunStateEnum;

  @Field(() => StorageStateEnum)
  storageState!: StorageStateEnum;

  @Field(() => JSONObject, { description: 'Parameter name to value, as the run was created with.' })
  parameters!: Record<string, unknown>;

  @Field(() => String, { description: 'The runner service account its pods run as.' })
  serviceAccount!: string;

  @Field(() => String, { description: "The user the run is attributed to (for scheduled runs: the recurring run's creator)." })
  createdBy!: string;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime, { nullable: true })
  scheduledAt!: Date | null;

  @Field(() => DateTime, { nullable: true })
  finishedAt!: Date | null;

  static from(row: RunRow): Run {
    return Object.assign(new Run(), {
      id: toGlobalId('Run', row.id),
      localId: row.id,
      experimentId: row.experiment_id,
      pipelineVersionId: row.pipeline_version_id,
      recurringRunId: row.recurring_run_id,
      row,
      name: row.name,
      description: row.description,
      namespace: row.namespace,
      state: row.state as RunStateEnum,
      storageState: row.storage_state as StorageStateEnum,
      parameters: JSON.parse(row.parameters) as Record<string, unknown>,
      serviceAccount: row.service_account,
      createdBy: row.created_by,
      createdAt: toDate(row.created_at),
      scheduledAt: toDate(row.scheduled_at),
      finishedAt: toDate(row.finished_at),
    });
  }
}

export const RunConnection = Connection(Run, 'Run', { totalCount: true });

@Resolver(() => Run)
export class RunFieldResolver {
  @Authz({ resource: 'experiments', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => Experiment)
  async experiment(@Root() run: Run, @Ctx() ctx: RequestContext): Promise<Experiment> {
    const row = await ctx.loaders.experiment.load(run.experimentId);
    if (!row) throw new Error(`run ${run.localId} references missing experiment ${run.experimentId}`);
    return Experiment.from(row);
  }

  @Authz({ resource: 'pipelines', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => PipelineVersion, { nullable: true, description: 'Null when the run was started from a workflow spec, or its version was deleted.' })
  async pipelineVersion(@Root() run: Run, @Ctx() ctx: RequestContext): Promise<PipelineVersion | null> {
    if (!run.pipelineVersionId) return null;
    const row = await ctx.loaders.pipelineVersion.load(run.pipelineVersionId);
    return row ? PipelineVersion.from(row) : null;
  }

  @Authz({ resource: 'jobs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => RecurringRun, { nullable: true, description: 'The recurring run that started it, if any.' })
  async recurringRun(@Root() run: Run, @Ctx() ctx: RequestContext): Promise<RecurringRun | null> {
    if (!run.recurringRunId) return null;
    const row = await ctx.loaders.recurringRun.load(run.recurringRunId);
    return row ? RecurringRun.from(row) : null;
  }

  @Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => [Execution], { description: "Executions recorded in the run's system.PipelineRun context." })
  async executions(@Root() run: Run, @Ctx() ctx: RequestContext): Promise<Execution[]> {
    return (await ctx.loaders.executionsByRun.load(run.localId)).map(Execution.from);
  }

  @Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => [Artifact], { description: "Artifacts attributed to the run's system.PipelineRun context." })
  async artifacts(@Root() run: Run, @Ctx() ctx: RequestContext): Promise<Artifact[]> {
    return (await ctx.loaders.artifactsByRun.load(run.localId)).map(Artifact.from);
  }
}
