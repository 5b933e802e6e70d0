import type { ScheduledWorkflow } from '../kube/scheduled-workflow-client.js';
import type { Workflow } from '../kube/workflow/workflow-types.js';

export const LABEL_KFP_GRAPH_RECURRING_RUN_ID = 'pipelines.kubeflow.org/kfp-graph-recurring-run-id';

export interface ScheduledWorkflowInput {
  readonly name: string;
  readonly namespace: string;
  readonly recurringRunId: string;
  readonly enabled: boolean;
  readonly maxConcurrency: number;
  readonly catchup: boolean;
  readonly cron: string | null;
  readonly intervalSeconds: number | null;
  readonly startAt: number | null;
  readonly endAt: number | null;
  /** The admitted workflow (buildRunWorkflow); only its spec is carried, as KFP's apiserver does. */
  readonly workflow: Workflow;
  readonly parameters: Readonly<Record<string, string>>;
}

/**
 * A ScheduledWorkflow shaped as KFP's apiserver writes one (backend/src/apiserver/resource: toCRDScheduledWorkflow):
 * `spec.enabled`, `spec.maxConcurrency`, `spec.noCatchup`, `spec.trigger.cronSchedule` or `periodicSchedule`
 * with RFC 3339 start/end times, `spec.workflow.spec` and `spec.workflow.parameters`.
 */
export function buildScheduledWorkflow(input: ScheduledWorkflowInput): ScheduledWorkflow {
  const window = {
    ...(input.startAt === null ? {} : { startTime: new Date(input.startAt).toISOString() }),
    ...(input.endAt === null ? {} : { endTime: new Date(input.endAt).toISOString() }),
  };
  const trigger =
    input.cron !== null ? { cronSchedule: { cron: input.cron, ...window } } : { periodicSchedule: { intervalSecond: input.intervalSeconds ?? 0, ...window } };
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'ScheduledWorkflow',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: { [LABEL_KFP_GRAPH_RECURRING_RUN_ID]: input.recurringRunId },
    },
    spec: {
      enabled: input.enabled,
      maxConcurrency: input.maxConcurrency,
      noCatchup: !input.catchup,
      trigger,
      workflow: {
        spec: input.workflow.spec,
        parameters: Object.entries(input.parameters).map(([name, value]) => ({ name, value })),
      },
    },
    status: {},
  };
}
