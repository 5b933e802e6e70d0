import { Arg, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { expectGlobalId } from '../src/ids/global-id.js';
import type { RequestContext } from '../src/server/request-context.js';
import type { RecurringRunRow } from '../src/store/database.js';
import { Authz } from './authz-directive.js';
import { RecurringRun } from './recurring-run.js';
import { REQUEST_ID_DESCRIPTION } from './request-id.js';
import { DateTime, JSONObject } from './scalars.js';

@InputType({ description: 'Give exactly one of cron and intervalSeconds.' })
class CreateRecurringRunInput {
  @Field(() => String)
  namespace!: string;

  @Field(() => ID)
  experimentId!: string;

  @Field(() => ID, { description: 'A version of a shared pipeline or of one of this namespace.' })
  pipelineVersionId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => JSONObject, { nullable: true })
  parameters?: Record<string, unknown> | null;

  @Field(() => String, { nullable: true })
  serviceAccount?: string | null;

  @Field(() => String, { nullable: true, description: 'Cron with seconds (6 fields, as KFP) or 5 fields, or @daily / @every 1h.' })
  cron?: string | null;

  @Field(() => Int, { nullable: true })
  intervalSeconds?: number | null;

  @Field(() => Int, { nullable: true, description: '1 to 10; default 1.' })
  maxConcurrency?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Run missed intervals after a pause; default true.' })
  catchup?: boolean | null;

  @Field(() => DateTime, { nullable: true })
  startAt?: Date | null;

  @Field(() => DateTime, { nullable: true })
  endAt?: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true.' })
  enabled?: boolean | null;

  @Field(() => String, { nullable: true, description: REQUEST_ID_DESCRIPTION })
  requestId?: string | null;
}

@InputType()
class RecurringRunIdInput {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
class RecurringRunPayload {
  @Field(() => RecurringRun)
  recurringRun!: RecurringRun;
}

const payload = (row: RecurringRunRow) => Object.assign(new RecurringRunPayload(), { recurringRun: RecurringRun.from(row) });
const localId = (input: RecurringRunIdInput) => expectGlobalId(input.id, 'RecurringRun', 'input.id');

@Resolver()
export class RecurringRunMutations {
  @Authz({ resource: 'jobs', verb: 'create', target: 'ARGUMENT', argument: 'input.namespace' })
  @Mutation(() => RecurringRunPayload, {
    description: 'A ScheduledWorkflow in the namespace; its runs are attributed to, and re-checked against, the creator.',
  })
  async createRecurringRun(
    @Arg('input', () => CreateRecurringRunInput) input: CreateRecurringRunInput,
    @Ctx() ctx: RequestContext,
  ): Promise<RecurringRunPayload> {
    const experimentId = expectGlobalId(input.experimentId, 'Experiment', 'input.experimentId');
    const pipelineVersionId = expectGlobalId(input.pipelineVersionId, 'PipelineVersion', 'input.pipelineVersionId');
    return payload(await ctx.app.creates.recurringRun({ ...input, experimentId, pipelineVersionId }, { identity: ctx.identity, guard: ctx.writes }));
  }

  @Authz({ resource: 'jobs', verb: 'enable', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => RecurringRunPayload)
  async enableRecurringRun(@Arg('input', () => RecurringRunIdInput) input: RecurringRunIdInput, @Ctx() ctx: RequestContext): Promise<RecurringRunPayload> {
    return payload(await ctx.app.recurringRuns.setEnabled(localId(input), true, ctx.identity));
  }

  @Authz({ resource: 'jobs', verb: 'disable', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => RecurringRunPayload)
  async disableRecurringRun(@Arg('input', () => RecurringRunIdInput) input: RecurringRunIdInput, @Ctx() ctx: RequestContext): Promise<RecurringRunPayload> {
    return payload(await ctx.app.recurringRuns.setEnabled(localId(input), false, ctx.identity));
  }

  @Authz({ resource: 'jobs', verb: 'delete', target: 'ID_ARGUMENT', argument: 'input.id' })
  @Mutation(() => RecurringRunPayload, { description: 'Deletes the ScheduledWorkflow and the record; the runs it started stay.' })
  async deleteRecurringRun(@Arg('input', () => RecurringRunIdInput) input: RecurringRunIdInput, @Ctx() ctx: RequestContext): Promise<RecurringRunPayload> {
    return payload(await ctx.app.recurringRuns.delete(localId(input), ctx.identity));
  }
}
