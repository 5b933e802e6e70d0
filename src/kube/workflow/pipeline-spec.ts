import { InvalidInputError } from '../../errors/domain-errors.js';
import { canonicalJson } from './canonical-json.js';
import { childPath } from './spec-path.js';
import { parseUnambiguousYaml } from './unambiguous-yaml.js';
import { ARGO_API_VERSION, asArray, asString, isJsonObject } from './workflow-types.js';
import type { JsonObject, Workflow } from './workflow-types.js';

export interface ParsedPipelineSpec {
  /** The Argo Workflow, as a plain object; a WorkflowTemplate is turned into a Workflow with its spec. */
  readonly manifest: Workflow;
  /** Sorted-key JSON of `manifest` without `status`: what is stored and hashed. */
  readonly canonicalJson: string;
}

export interface PipelineParameter {
  readonly name: string;
  /** `value` of the declared argument (KFP v1 packages write defaults there); absent means required. */
  readonly defaultValue?: string;
  readonly description?: string;
  readonly enum?: readonly string[];
}

const ACCEPTED_KINDS: ReadonlySet<string> = new Set(['Workflow', 'WorkflowTemplate']);

/**
 * Parses a pipeline package: the YAML or JSON of an Argo Workflow, which is what a KFP v1 package holds and
 * what the KFP v2 backend compiles a pipeline spec into (fixtures/kfp). Rejects anything Argo's own
 * validation would refuse on the fields we depend on, naming the offending path.
 *
 * @example
 *   const { manifest } = parsePipelineSpec(readFileSync('hello.yaml', 'utf8'), 1 << 20);
 */
export function parsePipelineSpec(text: string, maxBytes: number): ParsedPipelineSpec {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxBytes) {
    throw new InvalidInputError(`pipeline spec is ${size} bytes, more than the ${maxBytes} allowed`, '', {
      maxBytes,
    });
  }
  const document = parseSingleDocument(text);
  if (!isJsonObject(document)) {
    throw new InvalidInputError('pipeline spec must be a YAML or JSON object (an Argo Workflow)', '');
  }
  const manifest = toWorkflow(document);
  validateTemplates(manifest);
  const { status: _status, ...withoutStatus } = manifest;
  return { manifest: withoutStatus as Workflow, canonicalJson: canonicalJson(withoutStatus) };
}

/** The declared run parameters, `spec.arguments.parameters`, in declaration order. */
export function pipelineParameters(spec: Workflow): readonly PipelineParameter[] {
  const declared = asArray(spec.spec.arguments?.parameters);
  const result: PipelineParameter[] = [];
  for (const raw of declared) {
    if (!isJsonObject(raw)) continue;
    const name = asString(raw.name);
    if (name === undefined) continue;
    const value = asString(raw.value) ?? asString(raw.default);
    const description = asString(raw.description);
    const enumValues = Array.isArray(raw.enum) ? raw.enum.filter((v): v is string => typeof v === 'string') : undefined;
    result.push({
      name,
      ...(value === undefined ? {} : { defaultValue: value }),
      ...(description === undefined ? {} : { description }),
      ...(enumValues === undefined ? {} : { enum: enumValues }),
    });
  }
  return result;
}

function parseSingleDocument(text: string): unknown {
  // JSON is YAML: one parser for both, so a JSON package with a duplicate key is refused too (JSON.parse would
  // silently keep the last one). The spec is read as every Kubernetes reader would read it, or refused.
  const documents = parseUnambiguousYaml(text, 'pipeline spec');
  if (documents.length === 0) throw new InvalidInputError('pipeline spec is empty', '');
  if (documents.length > 1) {
    throw new InvalidInputError(`pipeline spec holds ${documents.length} YAML documents; exactly one Workflow is expected`, '');
  }
  return documents[0];
}

function toWorkflow(document: JsonObject): Workflow {
  if (document.apiVersion !== ARGO_API_VERSION) {
    throw new InvalidInputError(`apiVersion must be ${ARGO_API_VERSION}, got ${JSON.stringify(document.apiVersion ?? null)}`, 'apiVersion');
  }
  const kind = asString(document.kind);
  if (kind === undefined || !ACCEPTED_KINDS.has(kind)) {
    throw new InvalidInputError(`kind must be Workflow or WorkflowTemplate, got ${JSON.stringify(document.kind ?? null)}`, 'kind');
  }
  const metadata = document.metadata ?? {};
  if (!isJsonObject(metadata)) throw new InvalidInputError('metadata must be an object', 'metadata');
  const spec = document.spec;
  if (!isJsonObject(spec)) throw new InvalidInputError('spec must be an object', 'spec');
  // A WorkflowTemplate's spec is a WorkflowSpec: running it is submitting a Workflow with that spec, as
  // `argo submit --from workflowtemplate/x` does (minus the reference, which would need the template object).
  return { ...document, apiVersion: ARGO_API_VERSION, kind: 'Workflow', metadata, spec } as Workflow;
}

function validateTemplates(workflow: Workflow): void {
  const templates = workflow.spec.templates;
  if (!Array.isArray(templates) || templates.length === 0) {
    throw new InvalidInputError('spec.templates must list at least one template', 'spec.templates');
  }
  const names = new Set<string>();
  templates.forEach((template: unknown, index) => {
    const path = childPath('spec.templates', index);
    if (!isJsonObject(template)) throw new InvalidInputError(`${path} must be an object`, path);
    const name = asString(template.name);
    if (name === undefined || name === '') {
      throw new InvalidInputError(`${path}.name must be a non-empty string`, `${path}.name`);
    }
    if (names.has(name)) {
      throw new InvalidInputError(`${path}.name "${name}" is not unique`, `${path}.name`);
    }
    names.add(name);
  });
  const entrypoint = workflow.spec.entrypoint;
  if (typeof entrypoint !== 'string' || entrypoint === '') {
    throw new InvalidInputError('spec.entrypoint must name a template', 'spec.entrypoint');
  }
  if (!names.has(entrypoint)) {
    throw new InvalidInputError(`spec.entrypoint "${entrypoint}" names no template in spec.templates`, 'spec.entrypoint');
  }
  validateParameters(workflow.spec.arguments);
}

function validateParameters(args: unknown): void {
  if (args === undefined) return;
  if (!isJsonObject(args)) throw new InvalidInputError('spec.arguments must be an object', 'spec.arguments');
  const parameters = args.parameters;
  if (parameters === undefined || parameters === null) return;
  if (!Array.isArray(parameters)) {
    throw new InvalidInputError('spec.arguments.parameters must be a list', 'spec.arguments.parameters');
  }
  parameters.forEach((parameter: unknown, index) => {
    const path = childPath('spec.arguments.parameters', index);
    if (!isJsonObject(parameter) || typeof parameter.name !== 'string') {
      throw new InvalidInputError(`${path} must be an object with a string name`, `${path}.name`);
    }
  });
}
