import { pipelineParameters } from '../kube/workflow/pipeline-spec.js';
import type { Workflow } from '../kube/workflow/workflow-types.js';
import { irParameters } from './ir-pipeline-spec.js';
import { storedSpecKind } from './version-spec.js';

/** A declared parameter of a stored version, in one shape for both spec kinds. */
export interface VersionParameter {
  readonly name: string;
  /** The IR parameterType; Argo parameters are strings. */
  readonly type: string;
  /** As text: a non-string IR default is shown as JSON. Null when there is none. */
  readonly defaultValue: string | null;
  readonly optional: boolean;
  readonly description: string | null;
}

/** IR: root.inputDefinitions.parameters; Argo: spec.arguments.parameters (optional when it has a value). */
export function versionParameters(spec: Record<string, unknown>): readonly VersionParameter[] {
  if (storedSpecKind(spec) === 'IR') {
    return irParameters(spec).map((p) => ({
      name: p.name,
      type: p.type,
      defaultValue: p.defaultValue === undefined ? null : typeof p.defaultValue === 'string' ? p.defaultValue : JSON.stringify(p.defaultValue),
      optional: p.optional,
      description: p.description ?? null,
    }));
  }
  return pipelineParameters(spec as unknown as Workflow).map((p) => ({
    name: p.name,
    type: 'STRING',
    defaultValue: p.defaultValue ?? null,
    optional: p.defaultValue !== undefined,
    description: p.description ?? null,
  }));
}
