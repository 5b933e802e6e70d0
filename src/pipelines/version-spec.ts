import { InvalidInputError } from '../errors/domain-errors.js';
import { canonicalJson } from '../kube/workflow/canonical-json.js';
import { parsePipelineSpec } from '../kube/workflow/pipeline-spec.js';
import { parseUnambiguousYaml } from '../kube/workflow/unambiguous-yaml.js';
import { argoWorkflowSchema, type WorkflowSchema } from '../kube/workflow/workflow-schema.js';
import { isPipelineSpec, validatePipelineSpec } from './ir-pipeline-spec.js';

export type SpecKind = 'IR' | 'ARGO_WORKFLOW';

export interface CheckedSpec {
  readonly kind: SpecKind;
  /** What is stored: the IR PipelineSpec, or the Argo Workflow, as canonical JSON. */
  readonly canonicalJson: string;
}

/**
 * A pipeline version's spec, in either form KFP accepts: a KFP v2 IR PipelineSpec (with an optional second
 * `platforms` document) or an Argo Workflow. Errors are BAD_USER_INPUT with the path under `path`.
 */
export function checkVersionSpec(text: string, maxBytes: number, path: string, schema: WorkflowSchema = argoWorkflowSchema()): CheckedSpec {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxBytes) throw new InvalidInputError(`pipeline spec is ${size} bytes, more than the ${maxBytes} allowed`, path, { maxBytes });
  const documents = irDocuments(text, path);
  if (documents) {
    const [spec, platform, ...rest] = documents;
    if (rest.length > 0) throw new InvalidInputError('a KFP v2 pipeline file holds at most two documents (the spec and its platform spec)', path);
    validatePipelineSpec(spec as Record<string, unknown>, platform, path);
    return { kind: 'IR', canonicalJson: canonicalJson(spec) };
  }
  try {
    const parsed = parsePipelineSpec(text, maxBytes);
    schema.check(parsed.manifest, '');
    return { kind: 'ARGO_WORKFLOW', canonicalJson: parsed.canonicalJson };
  } catch (error) {
    if (error instanceof InvalidInputError) {
      const { path: innerPath, ...details } = error.details;
      const inner = typeof innerPath === 'string' && innerPath ? `.${innerPath}` : '';
      throw new InvalidInputError(error.message, `${path}${inner}`, details);
    }
    throw error;
  }
}

/**
 * The documents of an IR file, or undefined when the first document is not an IR PipelineSpec. Read as the
 * cluster and KFP's API server read YAML (1.1), refusing whatever 1.1 and 1.2 read differently (unambiguous-yaml).
 */
function irDocuments(text: string, path: string): unknown[] | undefined {
  const documents = parseUnambiguousYaml(text, 'pipeline spec', path).filter((d) => d !== null && d !== undefined);
  return isPipelineSpec(documents[0]) ? [...documents] : undefined;
}

/** The kind of a stored spec (canonical JSON of its first document). */
export function storedSpecKind(spec: unknown): SpecKind {
  return isPipelineSpec(spec) ? 'IR' : 'ARGO_WORKFLOW';
}
