import { childPath, indexPath } from './field-path.js';
import { isJsonObject, type JsonSchema, type ValidationCause } from './schema-types.js';

/**
 * The fields of `value` that `schema` does not declare, as kube-apiserver reports them with
 * `fieldValidation=Strict` (`kubectl apply --validate=strict`): `unknown field "spec.replica"`. Pruning drops
 * such fields silently, which is right for stored objects and wrong for a manifest, where one is a typo.
 * A schema with `additionalProperties` (a map) or `x-kubernetes-preserve-unknown-fields` accepts any key.
 */
export function unknownFields(schema: JsonSchema, value: unknown, path = ''): ValidationCause[] {
  const causes: ValidationCause[] = [];
  collect(schema, value, path, causes);
  return causes;
}

function collect(schema: JsonSchema, value: unknown, path: string, causes: ValidationCause[]): void {
  if (schema['x-kubernetes-preserve-unknown-fields'] || schema['x-kubernetes-embedded-resource']) return;
  if (Array.isArray(value)) {
    const items = schema.items;
    if (items) {
      for (const [i, item] of value.entries()) collect(items, item, indexPath(path, i), causes);
    }
    return;
  }
  if (!isJsonObject(value)) return;
  const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  const properties = schema.properties;
  for (const [name, child] of Object.entries(value)) {
    const declared = properties && Object.hasOwn(properties, name) ? properties[name] : undefined;
    if (declared) collect(declared, child, childPath(path, name), causes);
    else if (additional) collect(additional, child, indexPath(path, name), causes);
    else if (properties && schema.additionalProperties !== true) {
      causes.push({ reason: 'FieldValueUnknown', field: childPath(path, name), message: `unknown field "${childPath(path, name)}"` });
    }
  }
}
