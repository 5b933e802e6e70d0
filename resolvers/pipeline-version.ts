import { Ctx, Field, FieldResolver, ObjectType, registerEnumType, Resolver, Root } from 'type-graphql';
import { versionParameters } from '../src/pipelines/version-parameters.js';
import { storedSpecKind } from '../src/pipelines/version-spec.js';
import { toGlobalId } from '../src/ids/global-id.js';
import type { RequestContext } from '../src/server/request-context.js';
import type { PipelineVersionRow } from '../src/store/database.js';
import { Authz } from './authz-directive.js';
import { Connection } from './connection.js';
import { Node } from './node-interface.js';
import { Pipeline } from './pipeline.js';
import { DateTime, JSONObject, toDate } from './scalars.js';

export enum PipelineSpecKindEnum {
  /** A KFP v2 IR PipelineSpec, as `kfp dsl compile` writes it. */
  IR = 'IR',
  ARGO_WORKFLOW = 'ARGO_WORKFLOW',
}
registerEnumType(PipelineSpecKindEnum, { name: 'PipelineSpecKind', description: 'What a pipeline version holds: KFP v2 IR, or an Argo Workflow.' });

@ObjectType({ description: 'A parameter a pipeline version declares (IR root.inputDefinitions.parameters, or Argo spec.arguments.parameters).' })
export class PipelineParameter {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'IR parameterType (STRING, NUMBER_INTEGER, NUMBER_DOUBLE, BOOLEAN, LIST, STRUCT); STRING for Argo.' })
  type!: string;

  @Field(() => String, { nullable: true, description: 'Null when there is none; a non-string IR default as JSON.' })
  defaultValue!: string | null;

  @Field(() => Boolean, { description: 'Whether a run may omit it.' })
  optional!: boolean;

  @Field(() => String, { nullable: true })
  description!: string | null;
}

// A version is authorized as its pipeline (resource `pipelines`, the pipeline's namespace, the same verb), never as
// `pipelineversions`: KFP: backend/src/apiserver/server/pipeline_server.go `canAccessPipelineVersion` →
// `canAccessPipeline`. The stock roles up to KFP 2.14 grant `pipelines/versions`, not `pipelineversions`, so
// asking about the latter would deny every tenant there.
@Authz({ resource: 'pipelines', verb: 'get', target: 'PARENT' })
@ObjectType({ implements: Node, description: 'An immutable pipeline spec (an Argo Workflow) that runs are created from.' })
export class PipelineVersion extends Node {
  readonly __typename = 'PipelineVersion';
  localId!: string;
  pipelineId!: string;
  specJson!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  /** '' for a version of a shared pipeline (as KFP stores it); the GraphQL field shows null. */
  namespace!: string;

  @Field(() => DateTime)
  createdAt!: Date;

  static from(row: PipelineVersionRow): PipelineVersion {
    return Object.assign(new PipelineVersion(), {
      id: toGlobalId('PipelineVersion', row.id),
      localId: row.id,
      pipelineId: row.pipeline_id,
      specJson: row.spec,
      name: row.name,
      description: row.description,
      namespace: row.namespace,
      createdAt: toDate(row.created_at),
    });
  }
}

export const PipelineVersionConnection = Connection(PipelineVersion, 'PipelineVersion', { totalCount: true });

@Resolver(() => PipelineVersion)
export class PipelineVersionFieldResolver {
  @Authz({ resource: 'pipelines', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => String, { name: 'namespace', nullable: true, description: "The owning pipeline's namespace; null when shared." })
  namespaceName(@Root() version: PipelineVersion): string | null {
    return version.namespace === '' ? null : version.namespace;
  }

  @Authz({ resource: 'pipelines', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => Pipeline)
  async pipeline(@Root() version: PipelineVersion, @Ctx() ctx: RequestContext): Promise<Pipeline> {
    const row = await ctx.loaders.pipeline.load(version.pipelineId);
    if (!row) throw new Error(`pipeline version ${version.localId} has no pipeline`);
    return Pipeline.from(row);
  }

  @Authz({ resource: 'pipelines', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => JSONObject, { description: 'The stored spec (canonical JSON): the Argo Workflow, or the KFP v2 IR PipelineSpec.' })
  spec(@Root() version: PipelineVersion): Record<string, unknown> {
    return JSON.parse(version.specJson) as Record<string, unknown>;
  }

  @Authz({ resource: 'pipelines', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => PipelineSpecKindEnum)
  specKind(@Root() version: PipelineVersion): PipelineSpecKindEnum {
    return storedSpecKind(JSON.parse(version.specJson)) === 'IR' ? PipelineSpecKindEnum.IR : PipelineSpecKindEnum.ARGO_WORKFLOW;
  }

  @Authz({ resource: 'pipelines', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => JSONObject, { nullable: true, description: 'The KFP v2 IR PipelineSpec; null for an Argo Workflow version.' })
  pipelineSpec(@Root() version: PipelineVersion): Record<string, unknown> | null {
    const spec = JSON.parse(version.specJson) as Record<string, unknown>;
    return storedSpecKind(spec) === 'IR' ? spec : null;
  }

  @Authz({ resource: 'pipelines', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => [PipelineParameter])
  parameters(@Root() version: PipelineVersion): PipelineParameter[] {
    return versionParameters(JSON.parse(version.specJson) as Record<string, unknown>).map((p) => Object.assign(new PipelineParameter(), p));
  }
}
