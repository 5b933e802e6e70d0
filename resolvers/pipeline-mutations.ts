import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { expectGlobalId } from '../src/ids/global-id.js';
import type { RequestContext } from '../src/server/request-context.js';
import { Authz } from './authz-directive.js';
import { IdInput, RenameInput } from './common-inputs.js';
import { PipelineVersion } from './pipeline-version.js';
import { Pipeline } from './pipeline.js';
import { REQUEST_ID_DESCRIPTION } from './request-id.js';

@InputType({ description: 'A pipeline version: its spec is the YAML or JSON of an Argo Workflow (a KFP package).' })
class PipelineVersionSpecInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String, { description: 'YAML or JSON text, at most MAX_SPEC_BYTES (1 MiB by default).' })
  spec!: string;
}

@InputType()
class CreatePipelineInput {
  @Field(() => String, { nullable: true, description: 'Omit (null) for a shared pipeline; that needs `create pipelines` in the control-plane namespace.' })
  namespace?: string | null;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => PipelineVersionSpecInput, { nullable: true, description: 'The first version, written in the same transaction.' })
  version?: PipelineVersionSpecInput | null;

  @Field(() => String, { nullable: true, description: REQUEST_ID_DESCRIPTION })
  requestId?: string | null;
}

@InputType()
class CreatePipelineVersionInput extends PipelineVersionSpecInput {
  @Field(() => ID)
  pipelineId!: string;

  @Field(() => String, { nullable: true, description: REQUEST_ID_DESCRIPTION })
  requestId?: string | null;
}

@ObjectType()
class PipelinePayload {
  @Field(() => Pipeline)
  pipeline!: Pipeline;

  @Field(() => PipelineVersion, { nullable: true, description: 'The version created with it, if any.' })
  pipelineVersion!: PipelineVersion | null;
}

@ObjectType()
class PipelineVersionPayload {
  @Field(() => PipelineVersion)
  pipelineVersion!: PipelineVersion;
}

const pipelinePayload = (pipeline: Pipeline, pipelineVersion: PipelineVersion | null = null) =>
  Object.assign(new PipelinePayload(), { pipeline, pipelineVersion });
const versionPayload = (pipelineVersion: PipelineVersion) => Object.assign(new PipelineVersionPayload(), { pipelineVersion });

@Resolver()
export class PipelineMutations {
  @Authz({ resource: 'pipelines', verb: 'create', target: 'ARGUMENT', argument: 'input.namespace' })
  @Mutation(() => PipelinePayload)
  async createPipeline(@Arg('input', () => CreatePipelineInput) input: CreatePipelineInput, @Ctx() ctx: RequestContext): Promise<PipelinePayload> {
    const { pipeline, version } = await ctx.app.creates.pipeline(
      { ...input, namespace: input.namespace ?? null },
      { identity: ctx.identity, guard: ctx.writes },
    );
    return pipelinePayload(Pipeline.from(pipeline), version ? PipelineVersion.from(version) : null);
  }

  @Authz({ resource: 'pipelines', verb: 'create', target: 'ID_ARGUMENT', argument: 'input.pipelineId' })
  @Mutation(() => PipelineVersionPayload)
  async createPipelineVersion(
    @Arg('input', () => CreatePipelineVersionInput) input: CreatePipelineVersionInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PipelineVersionPayload> {
    const pipelineId = expectGlobalId(input.pipelineId, 'Pipeline', 'input.pipelineId');
    const { pipelineId: _global, ...version } = input;
    return versionPayload(PipelineVersion.from(await ctx.app.creates.pipelineVersion(pipelineId, version, { identity: ctx.identity, guard: ctx.writes })));
  }

  @Authz({ resource: 'pipelines', verb: 'update', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => PipelinePayload)
  async updatePipeline(@Arg('input', () => RenameInput) input: RenameInput, @Ctx() ctx: RequestContext): Promise<PipelinePayload> {
    const id = expectGlobalId(input.id, 'Pipeline', 'input.id');
    return pipelinePayload(Pipeline.from(await ctx.app.pipelines.update(id, input, ctx.identity)));
  }

  @Authz({ resource: 'pipelines', verb: 'update', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => PipelineVersionPayload)
  async updatePipelineVersion(@Arg('input', () => RenameInput) input: RenameInput, @Ctx() ctx: RequestContext): Promise<PipelineVersionPayload> {
    const id = expectGlobalId(input.id, 'PipelineVersion', 'input.id');
    return versionPayload(PipelineVersion.from(await ctx.app.pipelines.updateVersion(id, input, ctx.identity)));
  }

  @Authz({ resource: 'pipelines', verb: 'delete', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => PipelinePayload, { description: 'Deletes the pipeline and its versions; runs keep their history. CONFLICT while recurring runs use it.' })
  async deletePipeline(@Arg('input', () => IdInput) input: IdInput, @Ctx() ctx: RequestContext): Promise<PipelinePayload> {
    const id = expectGlobalId(input.id, 'Pipeline', 'input.id');
    return pipelinePayload(Pipeline.from(await ctx.app.pipelines.delete(id, ctx.identity)));
  }

  @Authz({ resource: 'pipelines', verb: 'delete', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => PipelineVersionPayload)
  async deletePipelineVersion(@Arg('input', () => IdInput) input: IdInput, @Ctx() ctx: RequestContext): Promise<PipelineVersionPayload> {
    const id = expectGlobalId(input.id, 'PipelineVersion', 'input.id');
    return versionPayload(PipelineVersion.from(await ctx.app.pipelines.deleteVersion(id, ctx.identity)));
  }
}
