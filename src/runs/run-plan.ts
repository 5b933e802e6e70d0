import type { Config } from '../config/config.js';
import { InvalidInputError } from '../errors/domain-errors.js';
import type { Identity } from '../identity/identity.js';
import { buildRunWorkflow } from '../kube/workflow/run-workflow.js';
import type { Workflow } from '../kube/workflow/workflow-types.js';
import type { ExperimentRow } from '../store/database.js';
import type { ExperimentRepository } from '../store/experiment-repository.js';
import type { PipelineRepository } from '../store/pipeline-repository.js';
import { optionalDescription, requireName } from '../validation/text-input.js';
import { admissionPolicyFrom, resolveRunSpec, runnerServiceAccount, runParameters, type ResolvedRunSpec, type RunSource } from './run-spec-source.js';

/** What a run and a recurring run are both created from. */
export interface RunRequest extends RunSource {
  readonly namespace: string;
  readonly experimentId: string;
  readonly name: string;
  readonly description?: string | null;
  readonly parameters?: unknown;
  readonly serviceAccount?: string | null;
}

/** A validated request and the admitted Workflow it runs. */
export interface RunPlan {
  readonly name: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly experiment: ExperimentRow;
  readonly source: ResolvedRunSpec;
  readonly serviceAccount: string;
  readonly workflow: Workflow;
}

export interface RunPlanDeps {
  readonly config: Config;
  readonly experiments: ExperimentRepository;
  readonly pipelines: PipelineRepository;
}

/**
 * Validates a run request and builds its Workflow through admission, before anything is written anywhere:
 * the experiment must be in the run's namespace (another tenant's is reported like a missing one), the spec a
 * version this namespace may use or an inline Workflow, the service account the runner or an allowed one.
 */
export async function planRun(
  deps: RunPlanDeps,
  input: RunRequest,
  creator: Identity,
  ids: { readonly runId: string; readonly recurringRunId?: string },
): Promise<RunPlan> {
  const { config } = deps;
  const name = requireName(input.name, 'input.name');
  const description = optionalDescription(input.description, 'input.description');
  const parameters = runParameters(input.parameters);
  const [experiment] = await deps.experiments.byIds([input.experimentId]);
  if (!experiment || experiment.namespace !== input.namespace) {
    throw new InvalidInputError(`experiment not found in namespace ${input.namespace}`, 'input.experimentId');
  }
  const source = await resolveRunSpec(input, input.namespace, deps.pipelines, config.MAX_SPEC_BYTES);
  const serviceAccount = runnerServiceAccount(input.serviceAccount, config);
  const workflow = buildRunWorkflow({
    spec: source.spec,
    runId: ids.runId,
    runName: name,
    namespace: input.namespace,
    serviceAccount,
    parameters,
    ...(ids.recurringRunId ? { recurringRunId: ids.recurringRunId } : {}),
    creator: creator.user,
    admission: admissionPolicyFrom(config, serviceAccount),
  });
  return { name, description, parameters, experiment, source, serviceAccount, workflow };
}
