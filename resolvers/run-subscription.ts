import { Arg, Ctx, Field, ID, ObjectType, Resolver, Root, Subscription, type PubSub } from 'type-graphql';
import { NotFoundError } from '../src/errors/domain-errors.js';
import { expectGlobalId, toGlobalId } from '../src/ids/global-id.js';
import type { RequestContext } from '../src/server/request-context.js';
import type { RunUpdateEvent } from '../src/sync/run-events.js';
import { Authz } from './authz-directive.js';
import { RunStateEnum } from './enums.js';
import { Run } from './run.js';

@ObjectType({ description: 'A run changed: what the sync controller saw on its Workflow.' })
export class RunUpdate {
  @Field(() => ID)
  runId!: string;

  @Field(() => String)
  namespace!: string;

  @Field(() => RunStateEnum)
  state!: RunStateEnum;

  @Field(() => String, { description: 'The Argo Workflow phase.' })
  phase!: string;

  @Field(() => String)
  resourceVersion!: string;

  @Field(() => Run, { nullable: true, description: 'The run as stored now (null once deleted).' })
  run!: Run | null;
}

interface RunUpdatedArgs {
  readonly namespace: string;
  readonly runId?: string | null;
}

/**
 * Authorized when it starts (`get runs` in the namespace, or NOT_FOUND exactly like a namespace that does not
 * exist) and again for every event through the shared cached authorizer (TTL-bounded), so a revoked right stops
 * the stream within the cache's TTL; the request memo is not used for that, it lives as long as the socket.
 */
async function subscribeRunUpdated(args: RunUpdatedArgs, ctx: RequestContext): Promise<AsyncIterable<RunUpdateEvent>> {
  const { namespace } = args;
  const runId = args.runId ? expectGlobalId(args.runId, 'Run', 'runId') : null;
  const request = { namespace, resource: 'runs' as const, verb: 'get' };
  if (!ctx.app.directory.has(namespace) || !(await ctx.authz.allows(request))) throw new NotFoundError(`namespace ${namespace} not found`);
  if (runId !== null) {
    const row = await ctx.loaders.run.load(runId);
    if (!row || row.namespace !== namespace) throw new NotFoundError('Run not found');
  }
  const source = ctx.app.runEvents.subscribe(namespace, runId);
  const allowed = () => ctx.app.authorizer.isAllowed(ctx.identity, request).catch(() => false);
  const iterator: AsyncIterableIterator<RunUpdateEvent> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done || (await allowed())) return result;
      }
    },
    return: () => source.return?.() ?? Promise.resolve({ value: undefined, done: true }),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * type-graphql insists on a PubSub when a schema has subscriptions, even when every subscription brings its own
 * `subscribe`; this one is never used.
 */
export const unusedPubSub: PubSub = {
  publish: () => {
    throw new Error('kfp-graph publishes through RunEvents, not a PubSub');
  },
  subscribe: () => {
    throw new Error('kfp-graph subscribes through RunEvents, not a PubSub');
  },
};

@Resolver()
export class RunSubscription {
  @Authz({ resource: 'runs', verb: 'get', target: 'ARGUMENT', argument: 'namespace' })
  @Subscription(() => RunUpdate, {
    description: "Updates of the namespace's runs (or of one run) as the sync controller records them. Over graphql-ws on /graphql.",
    subscribe: ({ args, context }) => subscribeRunUpdated(args as RunUpdatedArgs, context as RequestContext),
  })
  async runUpdated(
    @Root() event: RunUpdateEvent,
    @Arg('namespace', () => String) _namespace: string,
    @Arg('runId', () => ID, { nullable: true }) _runId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RunUpdate> {
    const row = await ctx.app.reads.runs.byIds([event.runId]);
    const current = row[0] && row[0].namespace === event.namespace ? Run.from(row[0]) : null;
    return Object.assign(new RunUpdate(), {
      runId: toGlobalId('Run', event.runId),
      namespace: event.namespace,
      state: event.state as RunStateEnum,
      phase: event.phase,
      resourceVersion: event.resourceVersion,
      run: current,
    });
  }
}
