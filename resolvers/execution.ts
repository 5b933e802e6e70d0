import { Ctx, Directive, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../src/ids/global-id.js';
import type { MetadataEvent, MetadataExecution } from '../src/mlmd/metadata-records.js';
import type { RequestContext } from '../src/server/request-context.js';
import { Artifact } from './artifact.js';
import { Authz } from './authz-directive.js';
import { Connection } from './connection.js';
import { ExecutionStateEnum } from './enums.js';
import { guardNamespace, visibleNamespace } from './metadata-node.js';
import { Node } from './node-interface.js';
import { DateTime, JSONObject, toDate } from './scalars.js';

const INPUTS = new Set(['INPUT', 'DECLARED_INPUT', 'INTERNAL_INPUT']);
const OUTPUTS = new Set(['OUTPUT', 'DECLARED_OUTPUT', 'INTERNAL_OUTPUT', 'PENDING_OUTPUT']);

@Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
@Directive('@key(fields: "id")')
@ObjectType({ implements: Node, description: 'An ML-Metadata execution (a pipeline task), visible through its run context.' })
export class Execution extends Node {
  readonly __typename = 'Execution';
  localId!: number;
  namespaces!: readonly string[];

  @Field(() => String, { description: 'The ML-Metadata type, e.g. system.ContainerExecution or system.DAGExecution.' })
  type!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => ExecutionStateEnum)
  state!: ExecutionStateEnum;

  /** The namespace the guard checks first (see metadata-node.ts); the GraphQL field shows the caller's own. */
  namespace!: string | null;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime)
  updatedAt!: Date;

  static from(record: MetadataExecution): Execution {
    return Object.assign(new Execution(), {
      id: toGlobalId('Execution', record.id),
      localId: record.id,
      namespaces: record.namespaces,
      type: record.type,
      name: record.name,
      state: record.state as ExecutionStateEnum,
      namespace: guardNamespace(record.namespaces),
      createdAt: toDate(record.createdAt),
      updatedAt: toDate(record.updatedAt),
    });
  }
}

export const ExecutionConnection = Connection(Execution, 'Execution');

async function artifactsOf(execution: Execution, ctx: RequestContext, kinds: ReadonlySet<string>): Promise<Artifact[]> {
  const events: readonly MetadataEvent[] = await ctx.loaders.eventsByExecution.load(execution.localId);
  const ids = [...new Set(events.filter((e) => kinds.has(e.type)).map((e) => e.artifactId))];
  const artifacts = await ctx.loaders.artifact.loadMany(ids);
  return artifacts.flatMap((a) => (a && !(a instanceof Error) ? [Artifact.from(a)] : []));
}

@Resolver(() => Execution)
export class ExecutionFieldResolver {
  @Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => String, {
    name: 'namespace',
    nullable: true,
    description: 'The tenant namespace of its run; null for metadata no run claims (cluster admins only).',
  })
  async namespaceName(@Root() execution: Execution, @Ctx() ctx: RequestContext): Promise<string | null> {
    return visibleNamespace(execution.namespaces, await ctx.authz.metadataScope());
  }

  @Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => [Artifact], { description: 'Artifacts it consumed (INPUT events).' })
  inputs(@Root() execution: Execution, @Ctx() ctx: RequestContext): Promise<Artifact[]> {
    return artifactsOf(execution, ctx, INPUTS);
  }

  @Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => [Artifact], { description: 'Artifacts it produced (OUTPUT events).' })
  outputs(@Root() execution: Execution, @Ctx() ctx: RequestContext): Promise<Artifact[]> {
    return artifactsOf(execution, ctx, OUTPUTS);
  }

  @Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => JSONObject)
  async properties(@Root() execution: Execution, @Ctx() ctx: RequestContext): Promise<Readonly<Record<string, unknown>>> {
    return (await ctx.loaders.executionProperties.load(execution.localId)).properties;
  }

  @Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => JSONObject, { description: 'Custom properties (KFP writes task_name, pod_name, image, inputs here).' })
  async customProperties(@Root() execution: Execution, @Ctx() ctx: RequestContext): Promise<Readonly<Record<string, unknown>>> {
    return (await ctx.loaders.executionProperties.load(execution.localId)).customProperties;
  }
}
