import { isDomainError } from '../../errors/domain-errors.js';
import { childPath } from './spec-path.js';
import { parseUnambiguousYaml } from './unambiguous-yaml.js';
import { isJsonObject } from './workflow-types.js';
import type { JsonObject } from './workflow-types.js';

export interface ResourceViolation {
  readonly path: string;
  readonly message: string;
}

/**
 * What a `resource` template may make, by `apiVersion` and `kind`: an allow-list, not a deny-list. A resource
 * step runs kubectl with the workflow's service account, so anything it may create (a Pod, a Job, a RoleBinding,
 * a nested Workflow) would be a way around admission. KFP-compiled pipelines need only these: KFP v1's
 * `dsl.VolumeOp` makes a PersistentVolumeClaim and `dsl.VolumeSnapshotOp` a VolumeSnapshot
 * (KFP: sdk/python/kfp/deprecated/dsl/_volume_op.py, _volume_snapshot_op.py); KFP v2 creates PVCs from its
 * driver (kfp-kubernetes), not from resource templates (fixtures kfp/ and kfp-ir/ have none).
 */
export const RESOURCE_TEMPLATE_KINDS: readonly { readonly apiVersion: string; readonly kind: string }[] = [
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot' },
  { apiVersion: 'snapshot.storage.k8s.io/v1beta1', kind: 'VolumeSnapshot' },
];

/**
 * Actions that only make, read or remove the object the manifest names. `apply`, `replace` and `patch` change an
 * object that already exists (and a JSON patch names no kind at all), so they are refused, as is
 * `mergeStrategy`, which only `patch` reads (Argo: workflow/executor/resource.go).
 */
const ACTIONS: ReadonlySet<string> = new Set(['create', 'get', 'delete']);

/**
 * Argo variables whose values the workflow controller produces and which are DNS names, so substituting them
 * cannot change the manifest's structure (KFP v1's VolumeOp names its claim `{{workflow.name}}-<name>`). Any
 * other `{{…}}` (parameters, outputs, expressions) is text a tenant or a step controls, substituted before
 * kubectl parses the manifest, and could add any field: refused.
 */
const HARMLESS_VARIABLES: ReadonlyMap<string, (namespace: string) => string> = new Map([
  ['workflow.name', () => 'kfp-graph-workflow-name'],
  ['workflow.uid', () => 'kfp-graph-workflow-uid'],
  ['workflow.namespace', (namespace: string) => namespace],
]);
const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Every reason the resource template `resource` (at `path`) may not run in `namespace`. */
export function resourceTemplateViolations(resource: JsonObject, path: string, namespace: string): readonly ResourceViolation[] {
  const violations: ResourceViolation[] = [];
  const add = (at: string, message: string): void => {
    violations.push({ path: at, message });
  };
  if (resource.manifestFrom !== undefined) {
    add(childPath(path, 'manifestFrom'), 'a manifest read from an artifact is only known at run time; write the manifest in the spec');
  }
  const flags = resource.flags;
  if (flags !== undefined && !(Array.isArray(flags) && flags.length === 0)) {
    add(childPath(path, 'flags'), 'kubectl flags can name another namespace, server or file and are not allowed');
  }
  const action = resource.action;
  if (typeof action !== 'string' || !ACTIONS.has(action)) {
    add(childPath(path, 'action'), `action ${JSON.stringify(action ?? null)} is not allowed (allowed: ${[...ACTIONS].join(', ')})`);
  }
  if (resource.mergeStrategy !== undefined) add(childPath(path, 'mergeStrategy'), 'mergeStrategy applies only to patch, which is not allowed');

  const manifestPath = childPath(path, 'manifest');
  const text = resource.manifest;
  if (typeof text !== 'string') {
    if (resource.manifestFrom === undefined) add(manifestPath, 'a resource template needs a literal manifest');
    return violations;
  }
  const substituted = substituteHarmlessVariables(text, namespace);
  if (substituted === undefined) {
    add(
      manifestPath,
      'the manifest uses {{…}} templating resolved at run time; only {{workflow.name}}, {{workflow.uid}} and {{workflow.namespace}} are allowed',
    );
    return violations;
  }
  let documents: readonly unknown[];
  try {
    documents = parseUnambiguousYaml(substituted, manifestPath, manifestPath);
  } catch (error) {
    if (!isDomainError(error)) throw error;
    const at = error.details.path;
    add(typeof at === 'string' && at !== '' ? at : manifestPath, error.message);
    return violations;
  }
  const [document] = documents;
  if (documents.length !== 1 || !isJsonObject(document)) {
    add(manifestPath, `the manifest must hold exactly one object, it holds ${documents.length} documents`);
    return violations;
  }
  objectViolations(document, manifestPath, namespace, add);
  return violations;
}

function substituteHarmlessVariables(text: string, namespace: string): string | undefined {
  let refused = false;
  const result = text.replace(VARIABLE, (_whole, name: string) => {
    const value = HARMLESS_VARIABLES.get(name);
    if (value === undefined) refused = true;
    return value === undefined ? '' : value(namespace);
  });
  // `{{=expr}}`, unbalanced or nested braces: whatever still holds `{{` is templating admission cannot read.
  return refused || result.includes('{{') ? undefined : result;
}

function objectViolations(document: JsonObject, path: string, namespace: string, add: (at: string, message: string) => void): void {
  const { apiVersion, kind } = document;
  if (!RESOURCE_TEMPLATE_KINDS.some((allowed) => allowed.apiVersion === apiVersion && allowed.kind === kind)) {
    const allowed = RESOURCE_TEMPLATE_KINDS.map((k) => `${k.apiVersion} ${k.kind}`).join(', ');
    add(
      childPath(path, 'kind'),
      `a resource template may not make ${String(apiVersion ?? '?').slice(0, 80)} ${String(kind ?? '?').slice(0, 80)} (allowed: ${allowed})`,
    );
    return;
  }
  const metadata = document.metadata;
  const objectNamespace = isJsonObject(metadata) ? metadata.namespace : undefined;
  if (objectNamespace !== undefined && objectNamespace !== namespace) {
    add(
      childPath(childPath(path, 'metadata'), 'namespace'),
      `resource namespace ${JSON.stringify(objectNamespace).slice(0, 80)} is not the run's namespace "${namespace}"`,
    );
  }
  const spec = isJsonObject(document.spec) ? document.spec : {};
  const specPath = childPath(path, 'spec');
  if (kind === 'PersistentVolumeClaim') {
    for (const violation of claimSpecViolations(spec, specPath, namespace)) add(violation.path, violation.message);
  }
  if (kind === 'VolumeSnapshot') {
    const source = isJsonObject(spec.source) ? spec.source : {};
    // A pre-provisioned VolumeSnapshotContent is cluster-scoped and may be another tenant's snapshot.
    if (source.volumeSnapshotContentName !== undefined) {
      add(childPath(childPath(specPath, 'source'), 'volumeSnapshotContentName'), 'binding to an existing VolumeSnapshotContent is not allowed');
    }
  }
}

/**
 * The rules for a PersistentVolumeClaim spec, wherever one is written: a resource template's claim, a workflow's
 * `volumeClaimTemplates`, an ephemeral volume's `volumeClaimTemplate`.
 */
export function claimSpecViolations(spec: JsonObject, specPath: string, namespace: string): readonly ResourceViolation[] {
  const violations: ResourceViolation[] = [];
  // Binding by name claims an existing PersistentVolume, which may hold another tenant's data.
  if (spec.volumeName !== undefined && spec.volumeName !== '') {
    violations.push({ path: childPath(specPath, 'volumeName'), message: 'binding a claim to a named PersistentVolume is not allowed' });
  }
  const source = spec.dataSourceRef;
  // CrossNamespaceVolumeDataSource: a dataSourceRef may name another namespace's volume or snapshot.
  if (isJsonObject(source) && source.namespace !== undefined && source.namespace !== namespace) {
    violations.push({ path: childPath(childPath(specPath, 'dataSourceRef'), 'namespace'), message: 'a data source in another namespace is not allowed' });
  }
  return violations;
}
