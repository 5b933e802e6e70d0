import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, ID, Info, Int, Query, Resolver } from 'type-graphql';
import { NotFoundError } from '../src/errors/domain-errors.js';
import { expectGlobalId, fromGlobalId } from '../src/ids/global-id.js';
import type { RequestContext } from '../src/server/request-context.js';
import { toPageRequest } from '../src/store/page-request.js';
import { SHARED_NAMESPACE } from '../src/store/pipeline-repository.js';
import { Artifact } from './artifact.js';
import { Authz } from './authz-directive.js';
import { startTotalCount, toConnection, type ConnectionShape } from './connection.js';
import { ConnectionArgs } from './connection-args.js';
import { LineageDirectionEnum } from './enums.js';
import { Execution } from './execution.js';
import { Experiment } from './experiment.js';
import { Lineage } from './lineage.js';
import { Namespace, NamespaceConnection, PipelineListArgs } from './namespace.js';
import { Node } from './node-interface.js';
import { loadNode, type NodeObject } from './node-lookup.js';
import { namespacePage } from './namespace-page.js';
import { PipelineVersion } from './pipeline-version.js';
import { Pipeline, PipelineConnection } from './pipeline.js';
import { RecurringRun } from './recurring-run.js';
import { Run } from './run.js';
import { Viewer } from './viewer.js';

async function lookup<T extends NodeObject>(ctx: RequestContext, id: string, type: T['__typename']): Promise<T | null> {
  const localId = expectGlobalId(id, type);
  return (await loadNode(ctx, { type, id: localId })) as T | null;
}

@Resolver()
export class QueryResolver {
  @Authz({ target: 'AUTHENTICATED' })
  @Query(() => Viewer, { description: 'Who the server thinks you are.' })
  viewer(@Ctx() ctx: RequestContext): Viewer {
    return Object.assign(new Viewer(), { user: ctx.identity.user, groups: [...ctx.identity.groups] });
  }

  @Authz({ resource: 'experiments', verb: 'list', target: 'FILTER' })
  @Query(() => NamespaceConnection, { description: 'The namespaces where you may list experiments, by name.' })
  async namespaces(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<Namespace>> {
    const visible = await ctx.authz.visibleNamespaces('experiments', 'list');
    return toConnection(namespacePage(visible, toPageRequest(args, ctx.app.pageLimits)), Namespace.of, visible.length);
  }

  @Authz({ resource: 'experiments', verb: 'list', target: 'ARGUMENT', argument: 'name' })
  @Query(() => Namespace, { description: 'One namespace; NOT_FOUND when it does not exist or you may not see it.' })
  namespace(@Arg('name', () => String) name: string, @Ctx() ctx: RequestContext): Namespace {
    if (!ctx.app.directory.has(name)) throw new NotFoundError(`namespace ${name} not found`);
    return Namespace.of(name);
  }

  @Authz({ target: 'RESULT' })
  @Query(() => Node, { nullable: true, description: 'Any object by global ID; NOT_FOUND when missing or not yours to see.' })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<NodeObject> {
    const node = await loadNode(ctx, id);
    if (!node) throw new NotFoundError(`${fromGlobalId(id).type} not found`);
    return node;
  }

  @Authz({ target: 'RESULT' })
  @Query(() => [Node], { nullable: 'items', description: 'Many objects by global ID, batched; null for each one missing or not visible.' })
  async nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: RequestContext): Promise<(NodeObject | null)[]> {
    return Promise.all(ids.map((id, i) => loadNode(ctx, id, `ids[${i}]`)));
  }

  @Authz({ target: 'RESULT' })
  @Query(() => Experiment, { nullable: true })
  async experiment(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Experiment> {
    return found(await lookup<Experiment>(ctx, id, 'Experiment'), 'experiment');
  }

  @Authz({ target: 'RESULT' })
  @Query(() => Run, { nullable: true })
  async run(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Run> {
    return found(await lookup<Run>(ctx, id, 'Run'), 'run');
  }

  @Authz({ target: 'RESULT' })
  @Query(() => RecurringRun, { nullable: true })
  async recurringRun(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<RecurringRun> {
    return found(await lookup<RecurringRun>(ctx, id, 'RecurringRun'), 'recurring run');
  }

  @Authz({ target: 'RESULT' })
  @Query(() => Pipeline, { nullable: true })
  async pipeline(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Pipeline> {
    return found(await lookup<Pipeline>(ctx, id, 'Pipeline'), 'pipeline');
  }

  @Authz({ target: 'RESULT' })
  @Query(() => PipelineVersion, { nullable: true })
  async pipelineVersion(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<PipelineVersion> {
    return found(await lookup<PipelineVersion>(ctx, id, 'PipelineVersion'), 'pipeline version');
  }

  @Authz({ target: 'RESULT' })
  @Query(() => Artifact, { nullable: true })
  async artifact(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Artifact> {
    return found(await lookup<Artifact>(ctx, id, 'Artifact'), 'artifact');
  }

  @Authz({ target: 'RESULT' })
  @Query(() => Execution, { nullable: true })
  async execution(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Execution> {
    return found(await lookup<Execution>(ctx, id, 'Execution'), 'execution');
  }

  @Authz({ resource: 'pipelines', verb: 'list', target: 'FILTER' })
  @Query(() => PipelineConnection, {
    description: 'Pipelines you may list: those of `namespace` (or of every namespace you can see) and, unless includeShared is false, shared ones.',
  })
  async pipelines(
    @Arg('namespace', () => String, { nullable: true }) namespace: string | null,
    @Arg('includeShared', () => Boolean, { defaultValue: true }) includeShared: boolean,
    @Args(() => PipelineListArgs) args: PipelineListArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<Pipeline>> {
    let namespaces: readonly string[];
    if (namespace != null) {
      const visible = ctx.app.directory.has(namespace) && (await ctx.authz.allows({ namespace, resource: 'pipelines', verb: 'list' }));
      if (!visible) throw new NotFoundError(`namespace ${namespace} not found`);
      namespaces = [namespace];
    } else {
      namespaces = await ctx.authz.visibleNamespaces('pipelines', 'list');
    }
    const scope = includeShared ? [...namespaces, SHARED_NAMESPACE] : namespaces;
    const filter = { nameContains: args.filter?.nameContains ?? null };
    const total = startTotalCount(info, () => ctx.loaders.pipelineTotal.load({ column: 'namespace', values: scope, filter }));
    const page = await ctx.app.reads.pipelines.list(scope, filter, args.orderBy ?? undefined, toPageRequest(args, ctx.app.pageLimits));
    return toConnection(page, Pipeline.from, total);
  }

  @Authz({ resource: 'runs', verb: 'get', target: 'FILTER' })
  @Query(() => Lineage, { description: 'The lineage around an artifact or execution, limited to what you may read.' })
  async lineage(
    @Arg('of', () => ID) of: string,
    @Arg('direction', () => LineageDirectionEnum, { defaultValue: LineageDirectionEnum.BOTH }) direction: LineageDirectionEnum,
    @Arg('depth', () => Int, { defaultValue: 3 }) depth: number,
    @Ctx() ctx: RequestContext,
  ): Promise<Lineage> {
    const start = fromGlobalId(of, 'of');
    if (start.type !== 'Artifact' && start.type !== 'Execution') {
      throw new NotFoundError('lineage starts at an Artifact or an Execution');
    }
    const id = Number(start.id);
    if (!Number.isSafeInteger(id) || id < 1) throw new NotFoundError(`${start.type} not found`);
    const graph = await ctx.app.metadata.lineage({
      start: { kind: start.type === 'Artifact' ? 'artifact' : 'execution', id },
      direction,
      depth,
      scope: await ctx.authz.metadataScope(),
    });
    return Lineage.from(graph);
  }
}

function found<T>(value: T | null, what: string): T {
  if (value === null) throw new NotFoundError(`${what} not found`);
  return value;
}
