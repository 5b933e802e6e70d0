import { Ctx, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../src/ids/global-id.js';
import { pipelineParameters } from '../src/kube/workflow/pipeline-spec.js';
import type { Workflow } from '../src/kube/workflow/workflow-types.js';
import type { RequestContext } from '../src/server/request-context.js';
import type { PipelineVersionRow } from '../src/store/database.js';
import { Authz } from './authz-directive.js';
import { Connection } from './connection.js';
import { Node } from './node-interface.js';
import { Pipeline } from './pipeline.js';
import { DateTime, JSONObject, toDate } from './scalars.js';

@ObjectType({ description: 'A parameter a pipeline version declares (spec.arguments.parameters).' })
export class PipelineParameter {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Null when the parameter is required.' })
  defaultValue!: string | null;

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
  @FieldResolver(() => JSONObject, { description: 'The Argo Workflow, as stored (canonical JSON).' })
  spec(@Root() version: PipelineVersion): Record<string, unknown> {
    return JSON.parse(version.specJson) as Record<string, unknown>;
  }

  @Authz({ resource: 'pipelines', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => [PipelineParameter])
  parameters(@Root() version: PipelineVersion): PipelineParameter[] {
    return pipelineParameters(JSON.parse(version.specJson) as Workflow).map((p) =>
      Object.assign(new PipelineParameter(), { name: p.name, defaultValue: p.defaultValue ?? null, description: p.description ?? null }),
    );
  }
}
