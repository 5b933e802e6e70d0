import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '../../errors/domain-errors.js';
import { loadCrdFile } from '../crd-schema/crd-loader.js';
import type { JsonSchema } from '../crd-schema/schema-types.js';
import { validateObject } from '../crd-schema/schema-validator.js';
import type { Workflow } from './workflow-types.js';

/** The Argo Workflow CRD KFP pins (v4.0.8), the same file the emulator serves. */
const ARGO_CRD = join(fileURLToPath(new URL('../../../deploy/emulator/kubernetes/', import.meta.url)), 'argo-workflows-crd-v4.0.8.yaml');

export interface WorkflowSchema {
  /** Throws InvalidInputError naming the first invalid fields, under `path`. */
  check(workflow: Workflow, path: string): void;
}

/**
 * Validates a Workflow against the OpenAPI schema of Argo's CRD, as the API server will when a run is created,
 * so a pipeline version with a mistyped field is refused when it is uploaded rather than at its first run. The
 * 2.6 MB CRD is parsed on first use (about half a second) and kept.
 */
export function argoWorkflowSchema(crdFile: string = ARGO_CRD): WorkflowSchema {
  let schema: JsonSchema | undefined;
  const load = (): JsonSchema => {
    const crd = loadCrdFile(crdFile).find((c) => c.name === 'workflows.argoproj.io');
    const version = crd?.versions.find((v) => v.name === 'v1alpha1');
    if (!version) throw new Error(`${crdFile}: no argoproj.io/v1alpha1 Workflow schema`);
    return version.schema;
  };
  return {
    check(workflow, path) {
      schema ??= load();
      const { causes } = validateObject(schema, workflow);
      if (causes.length === 0) return;
      const shown = causes.slice(0, 5).map((c) => `${c.field}: ${c.message}`);
      const more = causes.length > shown.length ? ` (and ${causes.length - shown.length} more)` : '';
      const first = causes[0]?.field ?? '';
      throw new InvalidInputError(`the workflow does not match Argo's Workflow schema: ${shown.join('; ')}${more}`, [path, first].filter(Boolean).join('.'), {
        causes: causes.slice(0, 20).map((c) => ({ field: c.field, message: c.message })),
      });
    },
  };
}
