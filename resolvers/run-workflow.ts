import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import { Ctx, Field, FieldResolver, Info, ObjectType, Resolver, Root } from 'type-graphql';
import { workflowSummary, type WorkflowNodeSummary, type WorkflowSummary } from '../src/kube/workflow/workflow-summary.js';
import { isJsonObject, type Workflow, type WorkflowStatus } from '../src/kube/workflow/workflow-types.js';
import type { RequestContext } from '../src/server/request-context.js';
import { Authz } from './authz-directive.js';
import { Run } from './run.js';
import { DateTime } from './scalars.js';

@ObjectType({ description: 'One node of the Argo Workflow: a pod, a DAG, a step group, a retry…' })
export class RunWorkflowNode {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => String, { description: 'Argo node type: Pod, DAG, Steps, StepGroup, Retry, Skipped…' })
  type!: string;

  @Field(() => String, { nullable: true })
  phase!: string | null;

  @Field(() => String, { nullable: true })
  templateName!: string | null;

  @Field(() => String, { nullable: true, description: 'Pod nodes only.' })
  podName!: string | null;

  @Field(() => DateTime, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true })
  message!: string | null;
}

@ObjectType({ description: "The run's Argo Workflow status: live from the cluster, or the stored snapshot." })
export class RunWorkflow {
  @Field(() => String)
  phase!: string;

  @Field(() => String, { nullable: true, description: "Argo's done/total pods, e.g. 2/3." })
  progress!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => DateTime, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => [RunWorkflowNode])
  nodes!: RunWorkflowNode[];

  @Field(() => Boolean, { description: 'True when the cluster did not answer and this is the stored snapshot, which may be behind.' })
  stale!: boolean;

  @Field(() => String, { nullable: true })
  staleReason!: string | null;

  @Field(() => Boolean, { description: 'True when read from the cluster just now; false for the stored snapshot (e.g. after garbage collection).' })
  live!: boolean;
}

function date(value: string | undefined): Date | null {
  if (value === undefined) return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

function node(summary: WorkflowNodeSummary): RunWorkflowNode {
  return Object.assign(new RunWorkflowNode(), {
    id: summary.id,
    name: summary.name,
    displayName: summary.displayName,
    type: summary.type,
    phase: summary.phase ?? null,
    templateName: summary.templateName ?? null,
    podName: summary.podName ?? null,
    startedAt: date(summary.startedAt),
    finishedAt: date(summary.finishedAt),
    message: summary.message ?? null,
  });
}

function view(summary: WorkflowSummary, live: boolean, staleReason: string | null): RunWorkflow {
  return Object.assign(new RunWorkflow(), {
    phase: summary.phase,
    progress: summary.progress ?? null,
    message: summary.message ?? null,
    startedAt: date(summary.startedAt),
    finishedAt: date(summary.finishedAt),
    nodes: summary.nodes.map(node),
    stale: staleReason !== null,
    staleReason,
    live,
  });
}

function snapshotOf(run: Run): Workflow | null {
  if (run.row.workflow_status === null) return null;
  const status: unknown = JSON.parse(run.row.workflow_status);
  if (!isJsonObject(status)) return null;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: run.row.workflow_name ?? run.localId, namespace: run.namespace },
    spec: {},
    status: status as WorkflowStatus,
  } as Workflow;
}

/**
 * `Run.workflow`: the live Workflow through the request's loader (one GET, or one LIST per namespace), else the
 * snapshot the sync controller stored. When the cluster does not answer, the snapshot is returned marked stale
 * and an UNAVAILABLE error entry for this field's path says so, next to the data.
 */
@Resolver(() => Run)
export class RunWorkflowFieldResolver {
  @Authz({ resource: 'runs', verb: 'get', target: 'PARENT' })
  @FieldResolver(() => RunWorkflow, { nullable: true, description: 'Null when the run has neither a workflow nor a stored snapshot.' })
  async workflow(@Root() run: Run, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<RunWorkflow | null> {
    const snapshot = snapshotOf(run);
    if (!run.row.workflow_name) return snapshot ? view(workflowSummary(snapshot), false, null) : null;
    const loaded = await ctx.loaders.liveWorkflow.load({ namespace: run.namespace, name: run.row.workflow_name, runId: run.localId });
    if (loaded.kind === 'live') return view(workflowSummary(loaded.workflow), true, null);
    if (loaded.kind === 'gone') return snapshot ? view(workflowSummary(snapshot), false, null) : null;
    const reason = `${loaded.reason}; this is the stored snapshot and may be stale`;
    ctx.warnings.push({ code: 'UNAVAILABLE', message: `workflow status of run ${run.localId}: ${reason}`, path: responsePathAsArray(info.path) });
    return snapshot ? view(workflowSummary(snapshot), false, reason) : null;
  }
}
