import { isJsonObject, type JsonObject, type JsonSchema } from './schema-types.js';

/** One group-version-kind as kube-openapi tags a top-level schema (`x-kubernetes-group-version-kind`). */
export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/**
 * The built-in types of a Kubernetes OpenAPI v3 document (`/openapi/v3/apis/<group>/<version>`, as
 * kube-apiserver serves it and as kubernetes/api/openapi-spec/v3 stores it), resolved into the structural
 * schemas the CRD validator understands, so a manifest of a built-in kind is checked as a CRD object is.
 *
 * kube-openapi writes a reference as `{ allOf: [{ $ref }], default, description }` (v3 forbids siblings of
 * `$ref`); the reference is inlined, keeping a sibling `default`. `format: int-or-string` is IntOrString.
 * Schemas are resolved once and shared, so a type that refers to itself becomes a cycle, not an endless copy.
 */
export class OpenApiDocument {
  readonly #schemas: Readonly<Record<string, unknown>>;
  readonly #resolved = new Map<string, JsonSchema>();
  readonly #byKind = new Map<string, string>();

  constructor(document: unknown) {
    const components = isJsonObject(document) && isJsonObject(document.components) ? document.components : {};
    this.#schemas = isJsonObject(components.schemas) ? components.schemas : {};
    for (const [name, schema] of Object.entries(this.#schemas)) {
      const kinds = isJsonObject(schema) ? schema['x-kubernetes-group-version-kind'] : undefined;
      if (!Array.isArray(kinds)) continue;
      for (const gvk of kinds) {
        if (isJsonObject(gvk)) this.#byKind.set(key(String(gvk.group ?? ''), String(gvk.version), String(gvk.kind)), name);
      }
    }
  }

  /** The kinds this document defines. */
  kinds(): readonly GroupVersionKind[] {
    return [...this.#byKind.keys()].map((k) => {
      const [group = '', version = '', kind = ''] = k.split('|');
      return { group, version, kind };
    });
  }

  /** The schema of `apiVersion`/`kind` (`apps/v1`, `Deployment`; `v1` for the core group), or undefined. */
  schemaFor(apiVersion: string, kind: string): JsonSchema | undefined {
    const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/', 2) as [string, string]) : ['', apiVersion];
    const name = this.#byKind.get(key(group, version, kind));
    return name === undefined ? undefined : this.resolve(name);
  }

  /** A component schema by name (`io.k8s.api.apps.v1.DeploymentSpec`), references inlined. */
  resolve(name: string): JsonSchema {
    const done = this.#resolved.get(name);
    if (done) return done;
    const raw = this.#schemas[name];
    if (!isJsonObject(raw)) throw new Error(`OpenAPI document: no schema ${name}`);
    // Registered before its children are converted, so a reference back to it finds this same object.
    const target: Record<string, unknown> = {};
    this.#resolved.set(name, target as JsonSchema);
    Object.assign(target, this.#convert(raw));
    return target as JsonSchema;
  }

  #convert(raw: JsonObject): JsonSchema {
    const ref = referenceOf(raw);
    if (ref !== undefined) {
      const referenced = this.resolve(ref);
      return raw.default === undefined ? referenced : { ...referenced, default: raw.default };
    }
    const out: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(raw)) {
      if (field === 'properties' && isJsonObject(value)) {
        out.properties = Object.fromEntries(Object.entries(value).map(([p, s]) => [p, isJsonObject(s) ? this.#convert(s) : {}]));
      } else if ((field === 'items' || field === 'additionalProperties') && isJsonObject(value)) {
        out[field] = this.#convert(value);
      } else if ((field === 'allOf' || field === 'anyOf' || field === 'oneOf') && Array.isArray(value)) {
        out[field] = value.filter(isJsonObject).map((s) => this.#convert(s));
      } else if (field !== 'x-kubernetes-group-version-kind') {
        out[field] = value;
      }
    }
    if (raw.format === 'int-or-string') {
      delete out.oneOf;
      out['x-kubernetes-int-or-string'] = true;
    }
    return out as JsonSchema;
  }
}

function key(group: string, version: string, kind: string): string {
  return `${group}|${version}|${kind}`;
}

const REF_PREFIX = '#/components/schemas/';

/** The component a schema stands for: a bare `$ref`, or kube-openapi's single-element `allOf` around one. */
function referenceOf(raw: JsonObject): string | undefined {
  const direct = typeof raw.$ref === 'string' ? raw.$ref : undefined;
  const wrapped =
    Array.isArray(raw.allOf) && raw.allOf.length === 1 && isJsonObject(raw.allOf[0]) && typeof raw.allOf[0].$ref === 'string' ? raw.allOf[0].$ref : undefined;
  const ref = direct ?? wrapped;
  if (ref === undefined) return undefined;
  if (!ref.startsWith(REF_PREFIX)) throw new Error(`OpenAPI document: unsupported reference ${ref}`);
  return ref.slice(REF_PREFIX.length);
}
