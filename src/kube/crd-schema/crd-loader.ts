import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isJsonObject, type JsonObject, type JsonSchema } from './schema-types.js';

export interface CrdNames {
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
}

export interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
  readonly schema: JsonSchema;
  /** `subresources.status` declared: writes to the main resource ignore status, `/status` writes only status. */
  readonly statusSubresource: boolean;
}

/** A parsed `apiextensions.k8s.io/v1` CustomResourceDefinition. */
export interface CrdDefinition {
  readonly name: string;
  readonly group: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly names: CrdNames;
  readonly versions: readonly CrdVersion[];
  /** The CRD object as written, for serving it back through the API. */
  readonly source: JsonObject;
}

/**
 * The CRDs kfp-graph needs, from deploy/emulator/kubernetes (copies of upstream files). Upstream also ships Argo's `main` CRD;
 * KFP pins Argo v4.0.8, so that is the one served.
 */
export const DEFAULT_CRD_FILES: readonly string[] = ['argo-workflows-crd-v4.0.8.yaml', 'scheduledworkflow-crd.yaml', 'profile-crd.yaml'];

const parsedFiles = new Map<string, { readonly mtimeMs: number; readonly crds: readonly CrdDefinition[] }>();

/**
 * Read the CRDs of a directory: the given files, or every `.yaml`/`.yml` file. A later file defining the same
 * CRD replaces an earlier one. Parsed files are cached by path and mtime (the Argo CRD is 2.6 MB of YAML).
 */
export function loadCrds(dir: string, files?: readonly string[]): CrdDefinition[] {
  const names =
    files ??
    readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
  const byName = new Map<string, CrdDefinition>();
  for (const file of names) {
    for (const crd of loadCrdFile(join(dir, file))) byName.set(crd.name, crd);
  }
  return [...byName.values()];
}

export function loadCrdFile(path: string): readonly CrdDefinition[] {
  const mtimeMs = statSync(path).mtimeMs;
  const cached = parsedFiles.get(path);
  if (cached && cached.mtimeMs === mtimeMs) return cached.crds;
  const crds = parseAllDocuments(readFileSync(path, 'utf8'))
    .map((doc) => doc.toJS() as unknown)
    .filter((obj): obj is JsonObject => isJsonObject(obj) && obj.kind === 'CustomResourceDefinition')
    .map(parseCrd);
  parsedFiles.set(path, { mtimeMs, crds });
  return crds;
}

/** Turn a CustomResourceDefinition object into the typed view; throws on a malformed one (fail at start-up). */
export function parseCrd(obj: JsonObject): CrdDefinition {
  const metadata = isJsonObject(obj.metadata) ? obj.metadata : {};
  const spec = isJsonObject(obj.spec) ? obj.spec : {};
  const names = isJsonObject(spec.names) ? spec.names : {};
  const kind = String(names.kind ?? '');
  const plural = String(names.plural ?? '');
  if (!kind || !plural || typeof spec.group !== 'string') {
    throw new Error(`CustomResourceDefinition ${String(metadata.name)} lacks spec.group, names.kind or names.plural`);
  }
  const versions = (Array.isArray(spec.versions) ? spec.versions : []).filter(isJsonObject).map((v): CrdVersion => {
    const schema = isJsonObject(v.schema) && isJsonObject(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : {};
    const subresources = isJsonObject(v.subresources) ? v.subresources : {};
    return {
      name: String(v.name),
      served: v.served !== false,
      storage: v.storage === true,
      schema: schema as JsonSchema,
      statusSubresource: isJsonObject(subresources.status),
    };
  });
  return {
    name: String(metadata.name ?? `${plural}.${spec.group}`),
    group: spec.group,
    scope: spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
    names: {
      kind,
      plural,
      listKind: String(names.listKind ?? `${kind}List`),
      singular: String(names.singular ?? kind.toLowerCase()),
      shortNames: Array.isArray(names.shortNames) ? names.shortNames.map(String) : [],
    },
    versions,
    source: obj,
  };
}
