import { Arg, Ctx, Field, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { expectGlobalId } from '../src/ids/global-id.js';
import type { RequestContext } from '../src/server/request-context.js';
import type { StorageState } from '../src/store/database.js';
import { Authz } from './authz-directive.js';
import { IdInput, RenameInput } from './common-inputs.js';
import { Experiment } from './experiment.js';
import { REQUEST_ID_DESCRIPTION } from './request-id.js';

@InputType()
class CreateExperimentInput {
  @Field(() => String)
  namespace!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String, { nullable: true, description: REQUEST_ID_DESCRIPTION })
  requestId?: string | null;
}

@ObjectType()
class ExperimentPayload {
  @Field(() => Experiment)
  experiment!: Experiment;
}

const payload = (experiment: Experiment) => Object.assign(new ExperimentPayload(), { experiment });

@Resolver()
export class ExperimentMutations {
  @Authz({ resource: 'experiments', verb: 'create', target: 'ARGUMENT', argument: 'input.namespace' })
  @Mutation(() => ExperimentPayload)
  async createExperiment(@Arg('input', () => CreateExperimentInput) input: CreateExperimentInput, @Ctx() ctx: RequestContext): Promise<ExperimentPayload> {
    return payload(Experiment.from(await ctx.app.creates.experiment(input, { identity: ctx.identity, guard: ctx.writes })));
  }

  // KFP defines no `update` verb for experiments; whoever may create them in the namespace may rename them.
  @Authz({ resource: 'experiments', verb: 'create', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => ExperimentPayload)
  async updateExperiment(@Arg('input', () => RenameInput) input: RenameInput, @Ctx() ctx: RequestContext): Promise<ExperimentPayload> {
    const id = expectGlobalId(input.id, 'Experiment', 'input.id');
    return payload(Experiment.from(await ctx.app.experiments.update(id, input, ctx.identity)));
  }

  @Authz({ resource: 'experiments', verb: 'archive', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => ExperimentPayload, { description: 'Archives the experiment and its runs, as KFP does.' })
  async archiveExperiment(@Arg('input', () => IdInput) input: IdInput, @Ctx() ctx: RequestContext): Promise<ExperimentPayload> {
    return setState(ctx, input.id, 'ARCHIVED');
  }

  @Authz({ resource: 'experiments', verb: 'unarchive', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => ExperimentPayload)
  async unarchiveExperiment(@Arg('input', () => IdInput) input: IdInput, @Ctx() ctx: RequestContext): Promise<ExperimentPayload> {
    return setState(ctx, input.id, 'AVAILABLE');
  }

  @Authz({ resource: 'experiments', verb: 'delete', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => ExperimentPayload, { description: 'CONFLICT while runs or recurring runs belong to it.' })
  async deleteExperiment(@Arg('input', () => IdInput) input: IdInput, @Ctx() ctx: RequestContext): Promise<ExperimentPayload> {
    const id = expectGlobalId(input.id, 'Experiment', 'input.id');
    return payload(Experiment.from(await ctx.app.experiments.delete(id, ctx.identity)));
  }
}

async function setState(ctx: RequestContext, globalId: string, state: StorageState): Promise<ExperimentPayload> {
  const id = expectGlobalId(globalId, 'Experiment', 'input.id');
  return payload(Experiment.from(await ctx.app.experiments.setStorageState(id, state, ctx.identity)));
}
