import { ConflictError } from '../errors/domain-errors.js';
import { apiStatusCode, toDomainError } from '../kube/kube-api-error.js';
import type { WorkflowClient } from '../kube/workflow-client.js';
import { STANDALONE_RUN_LABEL } from '../kube/workflow/run-labels.js';
import type { Workflow } from '../kube/workflow/workflow-types.js';

/** Whether a Workflow is the one kfp-graph made for this run: kfp-graph's own run label names it. */
export function isWorkflowOfRun(workflow: Workflow, runId: string): boolean {
  return workflow.metadata.labels?.[STANDALONE_RUN_LABEL] === runId;
}

/** The cluster answered and said no (4xx but 409): nothing was created, the run can be dropped for sure. */
export class WorkflowRefusedError extends Error {
  constructor(readonly domainError: Error) {
    super(domainError.message);
    this.name = 'WorkflowRefusedError';
  }
}

/**
 * Creates the Workflow of a run, bounded by `timeoutMs`. The name is deterministic (derived from the run ID),
 * so a create repeated after a lost answer meets AlreadyExists: when that Workflow carries the run's label it
 * is ours and counts as created. A refusal is a WorkflowRefusedError; anything else (timeout, 5xx, no answer)
 * is thrown as is: the Workflow may or may not exist.
 */
export async function createOwnWorkflow(workflows: WorkflowClient, namespace: string, workflow: Workflow, runId: string, timeoutMs: number): Promise<Workflow> {
  const name = workflow.metadata.name ?? '';
  try {
    return await workflows.create(namespace, workflow, AbortSignal.timeout(timeoutMs));
  } catch (error) {
    const code = apiStatusCode(error);
    if (code === 409) {
      const existing = await workflows.get(namespace, name);
      if (existing && isWorkflowOfRun(existing, runId)) return existing;
      throw new WorkflowRefusedError(new ConflictError(`a workflow named ${name} already exists in ${namespace}`));
    }
    if (code !== undefined && code >= 400 && code < 500) throw new WorkflowRefusedError(toDomainError(error, 'workflow'));
    throw error;
  }
}
