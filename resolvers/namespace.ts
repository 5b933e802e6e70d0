import type { GraphQLResolveInfo } from 'graphql';
import { Args, ArgsType, Ctx, Directive, Field, FieldResolver, Info, InputType, ObjectType, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../src/ids/global-id.js';
import { encodeCursor as encodeMetadataCursor } from '../src/mlmd/keyset-cursor.js';
import type { RequestContext } from '../src/server/request-context.js';
import { toPageRequest } from '../src/store/page-request.js';
import { Artifact, ArtifactConnection } from './artifact.js';
import { Authz } from './authz-directive.js';
import { Connection, startTotalCount, toConnection, type ConnectionShape } from './connection.js';
import { ConnectionArgs, ListOrderEnum, StorageStateEnum } from './connection-args.js';
import { Execution, ExecutionConnection } from './execution.js';
import { Experiment, ExperimentConnection } from './experiment.js';
import { ArtifactFilter, ExecutionFilter, MetadataListArgs, metadataOrder, metadataPageSize, runIdOf } from './metadata-list-args.js';
import { toMetadataConnection } from './metadata-connection.js';
import { Node } from './node-interface.js';
import { Pipeline, PipelineConnection } from './pipeline.js';
import { RecurringRun, RecurringRunConnection } from './recurring-run.js';
import { RunListArgs, runFilterOf } from './run-list-args.js';
import { Run, RunConnection } from './run.js';

@Authz({ resource: 'experiments', verb: 'list', target: 'PARENT' })
@Directive('@key(fields: "name")')
@ObjectType({ implements: Node, description: 'A tenant: a Kubeflow Profile and its namespace.' })
export class Namespace extends Node {
  readonly __typename = 'Namespace';

  @Field(() => String)
  name!: string;

  /** The guard reads `namespace` on every object; a Namespace guards itself. */
  namespace!: string;

  static of(name: string): Namespace {
    return Object.assign(new Namespace(), { id: toGlobalId('Namespace', name), name, namespace: name });
  }
}

export const NamespaceConnection = Connection(Namespace, 'Namespace', { totalCount: true });

@InputType()
class ExperimentFilter {
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the name.' })
  nameContains?: string | null;

  @Field(() => StorageStateEnum, { nullable: true })
  storageState?: StorageStateEnum | null;
}

@ArgsType()
class ExperimentListArgs extends ConnectionArgs {
  @Field(() => ExperimentFilter, { nullable: true })
  filter?: ExperimentFilter | null;

  @Field(() => ListOrderEnum, { nullable: true, defaultValue: ListOrderEnum.CREATED_AT_DESC })
  orderBy?: ListOrderEnum | null;
}

@InputType()
class RecurringRunFilter {
  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;

  @Field(() => String, { nullable: true })
  nameContains?: string | null;
}

@ArgsType()
class RecurringRunListArgs extends ConnectionArgs {
  @Field(() => RecurringRunFilter, { nullable: true })
  filter?: RecurringRunFilter | null;

  @Field(() => ListOrderEnum, { nullable: true, defaultValue: ListOrderEnum.CREATED_AT_DESC })
  orderBy?: ListOrderEnum | null;
}

@InputType()
export class PipelineFilter {
  @Field(() => String, { nullable: true })
  nameContains?: string | null;
}

@ArgsType()
export class PipelineListArgs extends ConnectionArgs {
  @Field(() => PipelineFilter, { nullable: true })
  filter?: PipelineFilter | null;

  @Field(() => ListOrderEnum, { nullable: true, defaultValue: ListOrderEnum.CREATED_AT_DESC })
  orderBy?: ListOrderEnum | null;
}

@ArgsType()
class ArtifactListArgs extends MetadataListArgs {
  @Field(() => ArtifactFilter, { nullable: true })
  filter?: ArtifactFilter | null;
}

@ArgsType()
class ExecutionListArgs extends MetadataListArgs {
  @Field(() => ExecutionFilter, { nullable: true })
  filter?: ExecutionFilter | null;
}

const metadataCursor = (record: { readonly id: number; readonly createdAt: number }) => encodeMetadataCursor({ createdAt: record.createdAt, id: record.id });

@Resolver(() => Namespace)
export class NamespaceFieldResolver {
  @Authz({ resource: 'experiments', verb: 'list', target: 'PARENT' })
  @FieldResolver(() => ExperimentConnection)
  async experiments(
    @Root() ns: Namespace,
    @Args(() => ExperimentListArgs) args: ExperimentListArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<Experiment>> {
    const filter = { nameContains: args.filter?.nameContains ?? null, storageState: args.filter?.storageState ?? null };
    const total = startTotalCount(info, () => ctx.loaders.experimentTotal.load({ column: 'namespace', values: [ns.name], filter }));
    const page = await ctx.app.reads.experiments.list([ns.name], filter, args.orderBy ?? undefined, toPageRequest(args, ctx.app.pageLimits));
    return toConnection(page, Experiment.from, total);
  }

  @Authz({ resource: 'runs', verb: 'list', target: 'PARENT' })
  @FieldResolver(() => RunConnection)
  async runs(
    @Root() ns: Namespace,
    @Args(() => RunListArgs) args: RunListArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<Run>> {
    const filter = runFilterOf(args.filter);
    const total = startTotalCount(info, () => ctx.loaders.runTotal.load({ column: 'namespace', values: [ns.name], filter }));
    const page = await ctx.app.reads.runs.list([ns.name], filter, args.orderBy ?? undefined, toPageRequest(args, ctx.app.pageLimits));
    return toConnection(page, Run.from, total);
  }

  @Authz({ resource: 'jobs', verb: 'list', target: 'PARENT' })
  @FieldResolver(() => RecurringRunConnection)
  async recurringRuns(
    @Root() ns: Namespace,
    @Args(() => RecurringRunListArgs) args: RecurringRunListArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<RecurringRun>> {
    const filter = { enabled: args.filter?.enabled ?? null, nameContains: args.filter?.nameContains ?? null };
    const total = startTotalCount(info, () => ctx.loaders.recurringRunTotal.load({ column: 'namespace', values: [ns.name], filter }));
    const page = await ctx.app.reads.recurringRuns.list([ns.name], filter, args.orderBy ?? undefined, toPageRequest(args, ctx.app.pageLimits));
    return toConnection(page, RecurringRun.from, total);
  }

  @Authz({ resource: 'pipelines', verb: 'list', target: 'PARENT' })
  @FieldResolver(() => PipelineConnection, { description: "The namespace's own pipelines (shared ones are in Query.pipelines)." })
  async pipelines(
    @Root() ns: Namespace,
    @Args(() => PipelineListArgs) args: PipelineListArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<Pipeline>> {
    const filter = { nameContains: args.filter?.nameContains ?? null };
    const total = startTotalCount(info, () => ctx.loaders.pipelineTotal.load({ column: 'namespace', values: [ns.name], filter }));
    const page = await ctx.app.reads.pipelines.list([ns.name], filter, args.orderBy ?? undefined, toPageRequest(args, ctx.app.pageLimits));
    return toConnection(page, Pipeline.from, total);
  }

  @Authz({ resource: 'runs', verb: 'list', target: 'PARENT' })
  @FieldResolver(() => ArtifactConnection, { description: "Artifacts of the namespace's runs, newest first." })
  async artifacts(@Root() ns: Namespace, @Args(() => ArtifactListArgs) args: ArtifactListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<Artifact>> {
    const runId = runIdOf(args.filter?.runId);
    const page = await ctx.app.metadata.listArtifacts(await ctx.authz.metadataScope(), {
      filter: {
        namespace: ns.name,
        ...(args.filter?.typeIn ? { typeIn: args.filter.typeIn } : {}),
        ...(args.filter?.uriPrefix ? { uriPrefix: args.filter.uriPrefix } : {}),
        ...(runId ? { runId } : {}),
      },
      first: metadataPageSize(args.first, ctx.app.pageLimits),
      after: args.after ?? null,
      order: metadataOrder(args.orderBy),
    });
    return toMetadataConnection(page, args.after, metadataCursor, Artifact.from);
  }

  @Authz({ resource: 'runs', verb: 'list', target: 'PARENT' })
  @FieldResolver(() => ExecutionConnection, { description: "Executions of the namespace's runs, newest first." })
  async executions(
    @Root() ns: Namespace,
    @Args(() => ExecutionListArgs) args: ExecutionListArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<Execution>> {
    const runId = runIdOf(args.filter?.runId);
    const page = await ctx.app.metadata.listExecutions(await ctx.authz.metadataScope(), {
      filter: {
        namespace: ns.name,
        ...(args.filter?.typeIn ? { typeIn: args.filter.typeIn } : {}),
        ...(args.filter?.stateIn ? { stateIn: args.filter.stateIn } : {}),
        ...(runId ? { runId } : {}),
      },
      first: metadataPageSize(args.first, ctx.app.pageLimits),
      after: args.after ?? null,
      order: metadataOrder(args.orderBy),
    });
    return toMetadataConnection(page, args.after, metadataCursor, Execution.from);
  }
}
