import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, Directive, Field, FieldResolver, Info, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../src/ids/global-id.js';
import type { RequestContext } from '../src/server/request-context.js';
import type { ExperimentRow } from '../src/store/database.js';
import { toPageRequest } from '../src/store/page-request.js';
import { Authz } from './authz-directive.js';
import { Connection, startTotalCount, toConnection, type ConnectionShape } from './connection.js';
import { StorageStateEnum } from './connection-args.js';
import { Node } from './node-interface.js';
import { RunListArgs, runFilterOf } from './run-list-args.js';
import { Run, RunConnection } from './run.js';
import { DateTime, toDate } from './scalars.js';

@Authz({ resource: 'experiments', verb: 'get', target: 'PARENT' })
@Directive('@key(fields: "id")')
@ObjectType({ implements: Node, description: 'A group of runs in one namespace (a KFP experiment).' })
export class Experiment extends Node {
  readonly __typename = 'Experiment';
  localId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => String)
  namespace!: string;

  @Field(() => StorageStateEnum)
  storageState!: StorageStateEnum;

  @Field(() => DateTime)
  createdAt!: Date;

  static from(row: ExperimentRow): Experiment {
    return Object.assign(new Experiment(), {
      id: toGlobalId('Experiment', row.id),
      localId: row.id,
      name: row.name,
      description: row.description,
      namespace: row.namespace,
      storageState: row.storage_state as StorageStateEnum,
      createdAt: toDate(row.created_at),
    });
  }
}

@Resolver(() => Experiment)
export class ExperimentFieldResolver {
  @Authz({ resource: 'runs', verb: 'list', target: 'PARENT' })
  @FieldResolver(() => RunConnection, { description: "The experiment's runs, newest first unless ordered otherwise." })
  async runs(
    @Root() experiment: Experiment,
    @Args(() => RunListArgs) args: RunListArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<Run>> {
    const filter = runFilterOf(args.filter);
    // Counted by experiment_id (runs_by_experiment), one grouped statement for a page of experiments.
    const total = startTotalCount(info, () =>
      ctx.loaders.runTotal.load({ column: 'experiment_id', values: [experiment.localId], filter: { ...filter, experimentId: null } }),
    );
    const page = await ctx.app.reads.runs.list(
      [experiment.namespace],
      { ...filter, experimentId: experiment.localId },
      args.orderBy ?? undefined,
      toPageRequest(args, ctx.app.pageLimits),
    );
    return toConnection(page, Run.from, total);
  }

  @Authz({ resource: 'runs', verb: 'list', target: 'PARENT' })
  @FieldResolver(() => Int, { description: 'How many runs the experiment holds (one grouped count per page of experiments).' })
  runCount(@Root() experiment: Experiment, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.loaders.runCountByExperiment.load(experiment.localId);
  }
}

export const ExperimentConnection = Connection(Experiment, 'Experiment', { totalCount: true });
