import { Ctx, Directive, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../src/ids/global-id.js';
import { namespaceOfArtifactUri, visibleArtifactUri } from '../src/mlmd/artifact-uri-visibility.js';
import type { MetadataArtifact } from '../src/mlmd/metadata-records.js';
import type { RequestContext } from '../src/server/request-context.js';
import { Authz } from './authz-directive.js';
import { Connection } from './connection.js';
import { ArtifactStateEnum } from './enums.js';
import { Execution } from './execution.js';
import { guardNamespace, visibleNamespace } from './metadata-node.js';
import { Node } from './node-interface.js';
import { DateTime, JSONObject, toDate } from './scalars.js';

@Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
@Directive('@key(fields: "id")')
@ObjectType({ implements: Node, description: 'An ML-Metadata artifact, visible through the run contexts it is attributed to.' })
export class Artifact extends Node {
  readonly __typename = 'Artifact';
  localId!: number;
  namespaces!: readonly string[];

  @Field(() => String, { description: 'The ML-Metadata type, e.g. system.Dataset, system.Model, system.Metrics.' })
  type!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  /** As stored; the GraphQL field hides another tenant's URI (ArtifactFieldResolver.uri). */
  uri!: string | null;

  @Field(() => ArtifactStateEnum)
  state!: ArtifactStateEnum;

  /** The namespace the guard checks first (see metadata-node.ts); the GraphQL field shows the caller's own. */
  namespace!: string | null;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime)
  updatedAt!: Date;

  static from(record: MetadataArtifact): Artifact {
    return Object.assign(new Artifact(), {
      id: toGlobalId('Artifact', record.id),
      localId: record.id,
      namespaces: record.namespaces,
      type: record.type,
      name: record.name,
      uri: record.uri,
      state: record.state as ArtifactStateEnum,
      namespace: guardNamespace(record.namespaces),
      createdAt: toDate(record.createdAt),
      updatedAt: toDate(record.updatedAt),
    });
  }
}

export const ArtifactConnection = Connection(Artifact, 'Artifact');

@Resolver(() => Artifact)
export class ArtifactFieldResolver {
  @Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => String, {
    name: 'namespace',
    nullable: true,
    description: 'The tenant namespace of its run; null for metadata no run claims (cluster admins only).',
  })
  async namespaceName(@Root() artifact: Artifact, @Ctx() ctx: RequestContext): Promise<string | null> {
    return visibleNamespace(artifact.namespaces, await ctx.authz.metadataScope());
  }

  @Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => String, {
    name: 'uri',
    nullable: true,
    description: "Where the data is; null when it is under another tenant's artifact prefix (KFP's cache shares artifacts across tenants).",
  })
  uriOf(@Root() artifact: Artifact, @Ctx() ctx: RequestContext): string | null | Promise<string | null> {
    const template = ctx.app.config.ARTIFACT_PREFIX_TEMPLATE;
    // Only a URI under some tenant's prefix needs the caller's scope; the rest resolve without a promise.
    if (artifact.uri === null || namespaceOfArtifactUri(artifact.uri, template) === undefined) return artifact.uri;
    return ctx.authz.metadataScope().then((scope) => visibleArtifactUri(artifact.uri, template, scope));
  }

  @Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => JSONObject, { description: 'Properties declared by the type.' })
  async properties(@Root() artifact: Artifact, @Ctx() ctx: RequestContext): Promise<Readonly<Record<string, unknown>>> {
    return (await ctx.loaders.artifactProperties.load(artifact.localId)).properties;
  }

  @Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => JSONObject, { description: 'Custom properties (KFP writes display_name and metrics here).' })
  async customProperties(@Root() artifact: Artifact, @Ctx() ctx: RequestContext): Promise<Readonly<Record<string, unknown>>> {
    return (await ctx.loaders.artifactProperties.load(artifact.localId)).customProperties;
  }

  @Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => Execution, { nullable: true, description: 'The execution that output it (an OUTPUT event), if visible.' })
  async producer(@Root() artifact: Artifact, @Ctx() ctx: RequestContext): Promise<Execution | null> {
    const events = await ctx.loaders.eventsByArtifact.load(artifact.localId);
    const output = events.find((e) => e.type === 'OUTPUT' || e.type === 'DECLARED_OUTPUT' || e.type === 'INTERNAL_OUTPUT');
    if (!output) return null;
    const execution = await ctx.loaders.execution.load(output.executionId);
    return execution ? Execution.from(execution) : null;
  }

  @Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => [Execution], { description: 'Visible executions that took it as an input (INPUT events).' })
  async consumers(@Root() artifact: Artifact, @Ctx() ctx: RequestContext): Promise<Execution[]> {
    const events = await ctx.loaders.eventsByArtifact.load(artifact.localId);
    const ids = [...new Set(events.filter((e) => e.type === 'INPUT' || e.type === 'DECLARED_INPUT' || e.type === 'INTERNAL_INPUT').map((e) => e.executionId))];
    const executions = await ctx.loaders.execution.loadMany(ids);
    return executions.flatMap((e) => (e && !(e instanceof Error) ? [Execution.from(e)] : []));
  }
}
