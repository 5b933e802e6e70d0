import { isJsonObject, type JsonObject, type JsonSchema } from './schema-types.js';

const ROOT_META = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Structural pruning and defaulting, as kube-apiserver does for a CRD with a structural schema
 * (apiextensions-apiserver pkg/apiserver/schema/pruning and schema/defaulting): fields the schema does not
 * know are dropped instead of rejected (unless `x-kubernetes-preserve-unknown-fields`), nulls of non-nullable
 * fields are dropped, then missing fields with a `default` get it. `apiVersion`, `kind` and `metadata` of the
 * root (and of embedded resources) are never pruned: ObjectMeta is the apiserver's own business.
 * Returns a new value; the input is not modified.
 */
export function pruneAndDefault(schema: JsonSchema, value: unknown, isRoot = true): unknown {
  if (Array.isArray(value)) {
    return schema.items ? value.map((item) => pruneAndDefault(schema.items as JsonSchema, item, false)) : value;
  }
  if (!isJsonObject(value) || schema['x-kubernetes-int-or-string']) return value;
  const keepMeta = isRoot || schema['x-kubernetes-embedded-resource'] === true;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const properties = schema.properties ?? {};
  const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (keepMeta && ROOT_META.has(key)) {
      out[key] = child;
      continue;
    }
    const childSchema = Object.hasOwn(properties, key) ? properties[key] : additional;
    if (childSchema) {
      if (child === null && !childSchema.nullable && childSchema !== additional) continue;
      out[key] = pruneAndDefault(childSchema, child, false);
    } else if (preserve || schema.additionalProperties === true) {
      out[key] = child;
    }
  }
  for (const [key, childSchema] of Object.entries(properties)) {
    if (out[key] === undefined && childSchema.default !== undefined) {
      out[key] = pruneAndDefault(childSchema, structuredClone(childSchema.default), false);
    }
  }
  return out;
}
