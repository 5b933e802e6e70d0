import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { expectGlobalId } from '../src/ids/global-id.js';
import type { RequestContext } from '../src/server/request-context.js';
import type { RunRow, StorageState } from '../src/store/database.js';
import { Authz } from './authz-directive.js';
import { Run } from './run.js';
import { REQUEST_ID_DESCRIPTION } from './request-id.js';
import { JSONObject } from './scalars.js';

@InputType({ description: 'Give exactly one of pipelineVersionId and workflowSpec.' })
class CreateRunInput {
  @Field(() => String)
  namespace!: string;

  @Field(() => ID)
  experimentId!: string;

  @Field(() => ID, { nullable: true, description: 'A version of a shared pipeline or of one of this namespace.' })
  pipelineVersionId?: string | null;

  @Field(() => String, { nullable: true, description: 'An Argo Workflow as YAML or JSON text.' })
  workflowSpec?: string | null;

  @Field(() => JSONObject, { nullable: true, description: 'Parameter name to string value.' })
  parameters?: Record<string, unknown> | null;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'The runner service account; default the namespace runner, others only from the allow-list.' })
  serviceAccount?: string | null;

  @Field(() => String, { nullable: true, description: REQUEST_ID_DESCRIPTION })
  requestId?: string | null;
}

@InputType()
class RunIdInput {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
class RunPayload {
  @Field(() => Run)
  run!: Run;
}

const payload = (row: RunRow) => Object.assign(new RunPayload(), { run: Run.from(row) });

function runId(input: RunIdInput): string {
  return expectGlobalId(input.id, 'Run', 'input.id');
}

@Resolver()
export class RunMutations {
  @Authz({ resource: 'runs', verb: 'create', target: 'ARGUMENT', argument: 'input.namespace' })
  @Mutation(() => RunPayload, {
    description:
      'Creates the Argo Workflow in the namespace and records the run (PENDING): both or neither, also under faults; with a requestId, exactly once.',
  })
  async createRun(@Arg('input', () => CreateRunInput) input: CreateRunInput, @Ctx() ctx: RequestContext): Promise<RunPayload> {
    const experimentId = expectGlobalId(input.experimentId, 'Experiment', 'input.experimentId');
    const pipelineVersionId = input.pipelineVersionId ? expectGlobalId(input.pipelineVersionId, 'PipelineVersion', 'input.pipelineVersionId') : null;
    const { requestId, ...request } = input;
    const row = await ctx.app.runs.create({ ...request, experimentId, pipelineVersionId }, ctx.identity, { requestId: requestId ?? null, guard: ctx.writes });
    return payload(row);
  }

  @Authz({ resource: 'runs', verb: 'terminate', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => RunPayload, { description: "Argo's terminate (spec.shutdown: Terminate); the run is CANCELING until it ends." })
  async terminateRun(@Arg('input', () => RunIdInput) input: RunIdInput, @Ctx() ctx: RequestContext): Promise<RunPayload> {
    return payload(await ctx.app.runs.terminate(runId(input), ctx.identity));
  }

  @Authz({ resource: 'runs', verb: 'retry', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => RunPayload, { description: "Argo's retry of a Failed or Error workflow: failed nodes run again." })
  async retryRun(@Arg('input', () => RunIdInput) input: RunIdInput, @Ctx() ctx: RequestContext): Promise<RunPayload> {
    return payload(await ctx.app.runs.retry(runId(input), ctx.identity));
  }

  @Authz({ resource: 'runs', verb: 'archive', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => RunPayload)
  async archiveRun(@Arg('input', () => RunIdInput) input: RunIdInput, @Ctx() ctx: RequestContext): Promise<RunPayload> {
    return setState(ctx, input, 'ARCHIVED');
  }

  @Authz({ resource: 'runs', verb: 'unarchive', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => RunPayload)
  async unarchiveRun(@Arg('input', () => RunIdInput) input: RunIdInput, @Ctx() ctx: RequestContext): Promise<RunPayload> {
    return setState(ctx, input, 'AVAILABLE');
  }

  @Authz({ resource: 'runs', verb: 'delete', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => RunPayload, { description: 'Deletes the workflow (if the cluster still has it) and the record; ML-Metadata is kept.' })
  async deleteRun(@Arg('input', () => RunIdInput) input: RunIdInput, @Ctx() ctx: RequestContext): Promise<RunPayload> {
    return payload(await ctx.app.runs.delete(runId(input), ctx.identity));
  }
}

async function setState(ctx: RequestContext, input: RunIdInput, state: StorageState): Promise<RunPayload> {
  return payload(await ctx.app.runs.setStorageState(runId(input), state, ctx.identity));
}
