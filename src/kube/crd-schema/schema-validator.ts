import { childPath, formatValue, indexPath, jsonTypeName } from './field-path.js';
import { pruneAndDefault } from './schema-pruner.js';
import { isJsonObject, type JsonSchema, type ValidationCause, type ValidationResult } from './schema-types.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Validate an object against a CRD's `openAPIV3Schema` the way kube-apiserver does on create/update: prune
 * unknown fields and apply defaults first, then check types, required, enum, formats and bounds, reporting
 * causes with Kubernetes field paths and messages (`Required value`, `Unsupported value: …`,
 * `Invalid value: "string": spec.x in body must be of type integer: "string"`).
 *
 * @example
 *   const { valid, causes, object } = validateObject(crd.schema, workflow);
 */
export function validateObject(schema: JsonSchema, value: unknown): ValidationResult {
  const object = pruneAndDefault(schema, value);
  const causes: ValidationCause[] = [];
  validateValue(schema, object, '', causes, true);
  return { valid: causes.length === 0, causes, object };
}

/** Validation only, on an already pruned value; collects causes. */
export function validateValue(schema: JsonSchema, value: unknown, path: string, causes: ValidationCause[], isRoot = false): void {
  if (value === null) {
    if (!schema.nullable && schema.type !== undefined) causes.push(typeError(path, schema.type, value));
    return;
  }
  if (schema['x-kubernetes-int-or-string']) {
    if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) {
      causes.push(typeError(path, 'integer or string', value));
    }
    return;
  }
  if (schema.type !== undefined && !hasType(value, schema.type)) {
    causes.push(typeError(path, schema.type, value));
    return;
  }
  if (schema.enum && !schema.enum.some((allowed) => deepEqual(allowed, value))) {
    causes.push({
      reason: 'FieldValueNotSupported',
      field: path,
      message: `Unsupported value: ${formatValue(value)}: supported values: ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`,
    });
  }
  checkBounds(schema, value, path, causes);
  checkCombinators(schema, value, path, causes);
  if (Array.isArray(value)) {
    if (schema.items)
      value.forEach((item, i) => {
        validateValue(schema.items as JsonSchema, item, indexPath(path, i), causes);
      });
    return;
  }
  if (!isJsonObject(value)) return;
  for (const name of schema.required ?? []) {
    if (value[name] === undefined) {
      causes.push({ reason: 'FieldValueRequired', field: childPath(path, name), message: 'Required value' });
    }
  }
  const properties = schema.properties ?? {};
  const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const [key, child] of Object.entries(value)) {
    // ObjectMeta at the root is validated by the apiserver's generic code, not by the CRD schema.
    if (isRoot && key === 'metadata') continue;
    const childSchema = Object.hasOwn(properties, key) ? properties[key] : additional;
    if (childSchema) {
      const childField = childSchema === additional ? indexPath(path, key) : childPath(path, key);
      validateValue(childSchema, child, childField, causes);
    }
  }
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isJsonObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

function typeError(path: string, expected: string, value: unknown): ValidationCause {
  const actual = jsonTypeName(value);
  return {
    reason: 'FieldValueTypeInvalid',
    field: path,
    message: `Invalid value: "${actual}": ${path} in body must be of type ${expected}: "${actual}"`,
  };
}

function invalid(path: string, value: unknown, detail: string): ValidationCause {
  return { reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${formatValue(value)}: ${path} in body ${detail}` };
}

/** kube-openapi's numeric, string-length, pattern and item-count checks, and format int32. */
function checkBounds(schema: JsonSchema, value: unknown, path: string, causes: ValidationCause[]): void {
  if (typeof value === 'number') {
    if (schema.format === 'int32' && (value < INT32_MIN || value > INT32_MAX)) {
      causes.push(invalid(path, value, 'must be of type int32'));
    }
    if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
      causes.push(invalid(path, value, `should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}`));
    }
    if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
      causes.push(invalid(path, value, `should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}`));
    }
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      causes.push({ reason: 'FieldValueTooLong', field: path, message: `Too long: may not be more than ${schema.maxLength} bytes` });
    }
    if (schema.minLength !== undefined && length < schema.minLength) {
      causes.push(invalid(path, value, `should be at least ${schema.minLength} chars long`));
    }
    if (schema.pattern !== undefined && !patternMatches(schema.pattern, value)) {
      causes.push(invalid(path, value, `should match '${schema.pattern}'`));
    }
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      causes.push({ reason: 'FieldValueTooMany', field: path, message: `Too many: ${value.length}: must have at most ${schema.maxItems} items` });
    }
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      causes.push(invalid(path, value, `should have at least ${schema.minItems} items`));
    }
  }
}

/** Structural schemas allow anyOf/oneOf/allOf with value validations only (no types, no properties). */
function checkCombinators(schema: JsonSchema, value: unknown, path: string, causes: ValidationCause[]): void {
  const errorsOf = (branch: JsonSchema): number => {
    const sink: ValidationCause[] = [];
    validateValue(branch, value, path, sink);
    return sink.length;
  };
  for (const branch of schema.allOf ?? []) validateValue(branch, value, path, causes);
  if (schema.anyOf && !schema.anyOf.some((b) => errorsOf(b) === 0)) {
    causes.push(invalid(path, value, 'must validate at least one schema (anyOf)'));
  }
  if (schema.oneOf && schema.oneOf.filter((b) => errorsOf(b) === 0).length !== 1) {
    causes.push(invalid(path, value, 'must validate one and only one schema (oneOf)'));
  }
}

/** CRD patterns are RE2 (Go); the common subset is valid ECMAScript. An untranslatable pattern is not enforced. */
function patternMatches(pattern: string, value: string): boolean {
  let compiled = PATTERN_CACHE.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = new RegExp(pattern, 'u');
    } catch {
      compiled = null;
    }
    PATTERN_CACHE.set(pattern, compiled);
  }
  return compiled === null || compiled.test(value);
}

/** Compiled patterns: a CRD has a bounded set of them, and the Argo CRD has a hundred. */
const PATTERN_CACHE = new Map<string, RegExp | null>();

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
