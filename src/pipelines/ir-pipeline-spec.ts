import { InvalidInputError } from '../errors/domain-errors.js';

/**
 * KFP v2 IR, the `PipelineSpec` `kfp dsl compile` writes (KFP: api/v2alpha1/pipeline_spec.proto). Detected as
 * KFP's API server does (KFP: backend/src/apiserver/template/template.go isPipelineSpec: a non-empty
 * `pipelineInfo.name` and a `root`), then checked on the fields KFP's driver needs, naming the path.
 */
export type IrParameterType = 'STRING' | 'NUMBER_INTEGER' | 'NUMBER_DOUBLE' | 'BOOLEAN' | 'LIST' | 'STRUCT';

const PARAMETER_TYPES: ReadonlySet<string> = new Set<IrParameterType>(['STRING', 'NUMBER_INTEGER', 'NUMBER_DOUBLE', 'BOOLEAN', 'LIST', 'STRUCT']);

export interface IrParameter {
  readonly name: string;
  readonly type: IrParameterType;
  /** Absent when the IR declares no default. */
  readonly defaultValue?: unknown;
  readonly optional: boolean;
  readonly description?: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isPipelineSpec(document: unknown): boolean {
  if (!isObject(document)) return false;
  const info = document.pipelineInfo;
  return isObject(info) && typeof info.name === 'string' && info.name !== '' && isObject(document.root);
}

/** Validates an IR document (and the optional `platforms` document after it); `path` prefixes every error. */
export function validatePipelineSpec(spec: Json, platform: unknown, path: string): void {
  const at = (p: string) => (path ? `${path}.${p}` : p);
  const fail = (p: string, message: string): never => {
    throw new InvalidInputError(`not a valid KFP v2 pipeline spec: ${p} ${message}`, at(p));
  };
  if (typeof spec.schemaVersion !== 'string' || spec.schemaVersion === '') fail('schemaVersion', 'must be a non-empty string');
  const root = spec.root as Json;
  if (!isObject(root.dag)) fail('root.dag', 'must be an object (the pipeline DAG)');
  const components = spec.components;
  if (components !== undefined && !isObject(components)) fail('components', 'must be an object');
  const deployment = spec.deploymentSpec;
  if (deployment !== undefined && !isObject(deployment)) fail('deploymentSpec', 'must be an object');
  const tasks = (root.dag as Json).tasks;
  if (tasks !== undefined && !isObject(tasks)) fail('root.dag.tasks', 'must be an object');
  for (const [task, body] of Object.entries((tasks as Json | undefined) ?? {})) {
    if (!isObject(body)) fail(`root.dag.tasks.${task}`, 'must be an object');
    const ref = (body as Json).componentRef;
    const name = isObject(ref) ? ref.name : undefined;
    if (typeof name !== 'string') fail(`root.dag.tasks.${task}.componentRef.name`, 'must name a component');
    if (!isObject(components) || !isObject(components[name as string]))
      fail(`root.dag.tasks.${task}.componentRef.name`, `names component ${String(name)}, which components does not define`);
  }
  parametersOf(spec, fail);
  if (platform !== undefined && !(isObject(platform) && isObject(platform.platforms))) {
    throw new InvalidInputError(
      'not a valid KFP v2 platform spec: the second document must hold a `platforms` object',
      path ? `${path}[1].platforms` : 'platforms',
    );
  }
}

/** `root.inputDefinitions.parameters`, in the IR's order, with type, default and whether it may be omitted. */
export function irParameters(spec: Json): readonly IrParameter[] {
  return parametersOf(spec, (p, message) => {
    throw new InvalidInputError(`not a valid KFP v2 pipeline spec: ${p} ${message}`, p);
  });
}

function parametersOf(spec: Json, fail: (path: string, message: string) => never): IrParameter[] {
  const root = isObject(spec.root) ? spec.root : {};
  const inputs = root.inputDefinitions;
  if (inputs === undefined) return [];
  if (!isObject(inputs)) return fail('root.inputDefinitions', 'must be an object');
  const parameters = inputs.parameters;
  if (parameters === undefined) return [];
  if (!isObject(parameters)) return fail('root.inputDefinitions.parameters', 'must be an object');
  const result: IrParameter[] = [];
  for (const [name, raw] of Object.entries(parameters)) {
    const p = `root.inputDefinitions.parameters.${name}`;
    if (!isObject(raw)) return fail(p, 'must be an object');
    const type = raw.parameterType;
    if (typeof type !== 'string' || !PARAMETER_TYPES.has(type)) return fail(`${p}.parameterType`, `must be one of ${[...PARAMETER_TYPES].join(', ')}`);
    const hasDefault = 'defaultValue' in raw;
    if (hasDefault && !matchesType(raw.defaultValue, type as IrParameterType)) return fail(`${p}.defaultValue`, `is not a ${type}`);
    result.push({
      name,
      type: type as IrParameterType,
      ...(hasDefault ? { defaultValue: raw.defaultValue } : {}),
      // KFP's compiler marks a parameter with a default isOptional; one with a default is never required.
      optional: raw.isOptional === true || hasDefault,
      ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    });
  }
  return result;
}

/** JSON values as KFP's driver accepts them for each parameter type (protobuf Value kinds). */
export function matchesType(value: unknown, type: IrParameterType): boolean {
  switch (type) {
    case 'STRING':
      return typeof value === 'string';
    case 'NUMBER_INTEGER':
      return typeof value === 'number' && Number.isInteger(value);
    case 'NUMBER_DOUBLE':
      return typeof value === 'number';
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'LIST':
      return Array.isArray(value);
    case 'STRUCT':
      return isObject(value);
  }
}

/** A run's parameters against the IR: unknown names, wrong types and missing required ones are refused. */
export function checkIrRunParameters(given: unknown, declared: readonly IrParameter[], path = 'input.parameters'): Readonly<Record<string, unknown>> {
  if (given != null && !isObject(given)) throw new InvalidInputError(`${path} must be an object`, path);
  const values = (given ?? {}) as Json;
  const byName = new Map(declared.map((p) => [p.name, p]));
  for (const [name, value] of Object.entries(values)) {
    const parameter = byName.get(name);
    if (!parameter) throw new InvalidInputError(`${path}.${name}: the pipeline declares no parameter ${name}`, `${path}.${name}`);
    if (!matchesType(value, parameter.type)) throw new InvalidInputError(`${path}.${name} must be a ${parameter.type}`, `${path}.${name}`);
  }
  for (const parameter of declared) {
    if (!parameter.optional && !(parameter.name in values)) throw new InvalidInputError(`${path}.${parameter.name} is required`, `${path}.${parameter.name}`);
  }
  return values;
}
