import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, Field, FieldResolver, Info, ObjectType, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../src/ids/global-id.js';
import type { RequestContext } from '../src/server/request-context.js';
import type { PipelineRow } from '../src/store/database.js';
import { toPageRequest } from '../src/store/page-request.js';
import { Authz } from './authz-directive.js';
import { Connection, startTotalCount, toConnection, type ConnectionShape } from './connection.js';
import { ConnectionArgs } from './connection-args.js';
import { Node } from './node-interface.js';
import { PipelineVersion, PipelineVersionConnection } from './pipeline-version.js';
import { DateTime, toDate } from './scalars.js';

@Authz({ resource: 'pipelines', verb: 'get', target: 'PARENT' })
@ObjectType({ implements: Node, description: "A named pipeline: a tenant's own, or shared with every tenant (namespace null)." })
export class Pipeline extends Node {
  readonly __typename = 'Pipeline';
  localId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  /** '' for a shared pipeline inside the server (as KFP stores it); the GraphQL field shows null. */
  namespace!: string;

  @Field(() => Boolean, { description: 'True for a shared pipeline, readable by every authenticated user.' })
  shared!: boolean;

  @Field(() => DateTime)
  createdAt!: Date;

  static from(row: PipelineRow): Pipeline {
    return Object.assign(new Pipeline(), {
      id: toGlobalId('Pipeline', row.id),
      localId: row.id,
      name: row.name,
      description: row.description,
      namespace: row.namespace,
      shared: row.namespace === '',
      createdAt: toDate(row.created_at),
    });
  }
}

export const PipelineConnection = Connection(Pipeline, 'Pipeline', { totalCount: true });

@Resolver(() => Pipeline)
export class PipelineFieldResolver {
  @Authz({ resource: 'pipelines', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => String, { name: 'namespace', nullable: true, description: 'Null for a shared pipeline.' })
  namespaceName(@Root() pipeline: Pipeline): string | null {
    return pipeline.namespace === '' ? null : pipeline.namespace;
  }

  @Authz({ resource: 'pipelines', verb: 'list', target: 'PARENT' })
  @FieldResolver(() => PipelineVersion, { nullable: true, description: 'The newest version.' })
  async latestVersion(@Root() pipeline: Pipeline, @Ctx() ctx: RequestContext): Promise<PipelineVersion | null> {
    const row = await ctx.loaders.latestVersion.load(pipeline.localId);
    return row ? PipelineVersion.from(row) : null;
  }

  @Authz({ resource: 'pipelines', verb: 'list', target: 'PARENT' })
  @FieldResolver(() => PipelineVersionConnection, { description: 'Versions, newest first.' })
  async versions(
    @Root() pipeline: Pipeline,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<PipelineVersion>> {
    const total = startTotalCount(info, () => ctx.loaders.versionTotal.load(pipeline.localId));
    const page = await ctx.app.reads.pipelines.listVersions(pipeline.localId, undefined, toPageRequest(args, ctx.app.pageLimits));
    return toConnection(page, PipelineVersion.from, total);
  }
}
