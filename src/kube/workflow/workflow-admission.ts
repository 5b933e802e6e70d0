import { parseAllDocuments } from 'yaml';
import { InvalidInputError } from '../../errors/domain-errors.js';
import { DEFAULT_TRUSTED_KFP_DRIVER_IMAGES, kfpDriverPatchedTemplates } from './kfp-driver-patch.js';
import { childPath } from './spec-path.js';
import { asArray, isJsonObject } from './workflow-types.js';
import type { JsonObject, Workflow } from './workflow-types.js';

/** What a tenant's workflow may do. Every `dangerously…` switch weakens tenant isolation; all default off. */
export interface AdmissionPolicy {
  /** The tenant namespace the workflow runs in. */
  readonly namespace: string;
  /** Service accounts the workflow may name anywhere (workflow, template, executor level). */
  readonly allowedServiceAccounts: readonly string[];
  readonly dangerouslyAllowHostPath?: boolean;
  /** Privileged containers, `allowPrivilegeEscalation: true`, added capabilities beyond PSS baseline, hostProcess. */
  readonly dangerouslyAllowPrivileged?: boolean;
  /** `hostNetwork`, `hostPID`, `hostIPC`. */
  readonly dangerouslyAllowHostNamespaces?: boolean;
  /** Any `podSpecPatch`; without it only the KFP v2 driver-computed patch (see kfp-driver-patch.ts) passes. */
  readonly dangerouslyAllowPodSpecPatch?: boolean;
  /** Image prefixes of the KFP driver whose pod spec patch is trusted; defaults to the upstream images. */
  readonly trustedKfpDriverImages?: readonly string[];
}

export type AdmissionRule =
  | 'namespace'
  | 'serviceAccount'
  | 'hostPath'
  | 'privileged'
  | 'hostNamespaces'
  | 'podSpecPatch'
  | 'clusterScope';

export interface AdmissionViolation {
  readonly rule: AdmissionRule;
  /** Where in the manifest, e.g. `spec.templates[2].container.securityContext.privileged`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Linux capabilities a container may add: the Kubernetes Pod Security Standards "baseline" list
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline). Anything else
 * (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, ALL…) is a path to the node and counts as privileged.
 */
const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

/**
 * Refuses a workflow that would escape its tenant: throws one InvalidInputError listing every violation
 * (`details.path` is the first, `details.violations` all of them).
 *
 * KFP's apiserver checks only `spec.serviceAccountName` (kubeflow/pipelines#14357), but Argo lets a template
 * (`templates[i].serviceAccountName`) or the executor (`executor.serviceAccountName`) run under another
 * account, so every level is checked. The spec is walked generically, so the same rules hold wherever Argo
 * accepts the field: templates, `templateDefaults`, `containerSet`, sidecars, init containers, hooks, and
 * the manifests of `resource` templates.
 */
export function admitWorkflow(manifest: Workflow, policy: AdmissionPolicy): void {
  const violations = admissionViolations(manifest, policy);
  const [first] = violations;
  if (first === undefined) return;
  const list = violations.map((v) => `${v.path}: ${v.message}`).join('; ');
  throw new InvalidInputError(
    `workflow refused (${violations.length} violation${violations.length === 1 ? '' : 's'}): ${list}`,
    first.path,
    { violations },
  );
}

/** Every violation, in document order; empty when the workflow is admitted. */
export function admissionViolations(manifest: Workflow, policy: AdmissionPolicy): readonly AdmissionViolation[] {
  const violations: AdmissionViolation[] = [];
  const namespace = isJsonObject(manifest.metadata) ? manifest.metadata['namespace'] : undefined;
  if (namespace !== undefined && namespace !== policy.namespace) {
    violations.push({
      rule: 'namespace',
      path: 'metadata.namespace',
      message: `namespace ${JSON.stringify(namespace)} is not the run's namespace "${policy.namespace}"`,
    });
  }
  const spec = isJsonObject(manifest.spec) ? manifest.spec : {};
  const trustedPatches = policy.dangerouslyAllowPodSpecPatch
    ? new Set<string>()
    : kfpDriverPatchedTemplates(spec, policy.trustedKfpDriverImages ?? DEFAULT_TRUSTED_KFP_DRIVER_IMAGES);
  const context: WalkContext = { policy, violations, trustedPatches };
  walk(spec, 'spec', context);
  return violations;
}

interface WalkContext {
  readonly policy: AdmissionPolicy;
  readonly violations: AdmissionViolation[];
  readonly trustedPatches: ReadonlySet<string>;
}

function walk(value: unknown, path: string, context: WalkContext): void {
  if (Array.isArray(value)) {
    value.forEach((item: unknown, index) => walk(item, childPath(path, index), context));
    return;
  }
  if (!isJsonObject(value)) return;
  inspect(value, path, context);
  for (const [key, child] of Object.entries(value)) walk(child, childPath(path, key), context);
}

/** The rules for one object of the spec tree; `walk` visits every object once. */
function inspect(object: JsonObject, path: string, context: WalkContext): void {
  const { policy, violations } = context;
  const add = (rule: AdmissionRule, at: string, message: string): void => {
    violations.push({ rule, path: at, message });
  };

  const serviceAccount = object['serviceAccountName'];
  // An empty name means "unset" to Argo: the workflow-level account (set by buildRunWorkflow) applies.
  if (serviceAccount !== undefined && serviceAccount !== '' && !policy.allowedServiceAccounts.includes(String(serviceAccount))) {
    add(
      'serviceAccount',
      childPath(path, 'serviceAccountName'),
      `service account ${JSON.stringify(serviceAccount)} is not allowed (allowed: ${policy.allowedServiceAccounts.join(', ') || 'none'})`,
    );
  }

  if (!policy.dangerouslyAllowPrivileged) inspectSecurityContext(object['securityContext'], childPath(path, 'securityContext'), add);

  if (!policy.dangerouslyAllowHostNamespaces) {
    for (const field of HOST_NAMESPACE_FIELDS) {
      if (object[field] === true) add('hostNamespaces', childPath(path, field), `${field} shares the node's namespace`);
    }
  }

  const patch = object['podSpecPatch'];
  if (patch !== undefined && patch !== '' && !policy.dangerouslyAllowPodSpecPatch) {
    const templateName = /^spec\.templates\[\d+\]$/.test(path) ? object['name'] : undefined;
    if (typeof templateName !== 'string' || !context.trustedPatches.has(templateName)) {
      add('podSpecPatch', childPath(path, 'podSpecPatch'), 'podSpecPatch can override every other rule and is not allowed');
    }
  }

  if (!policy.dangerouslyAllowHostPath) {
    asArray(object['volumes']).forEach((volume, index) => {
      if (isJsonObject(volume) && volume['hostPath'] !== undefined) {
        const at = childPath(childPath(childPath(path, 'volumes'), index), 'hostPath');
        add('hostPath', at, 'hostPath volumes mount the node\'s filesystem');
      }
    });
  }

  // Cluster-scoped (Cluster)WorkflowTemplates are shared by every tenant and run with the caller's account;
  // they are outside the tenant's control, so they are refused outright (no switch).
  for (const key of ['templateRef', 'workflowTemplateRef'] as const) {
    const ref = object[key];
    if (isJsonObject(ref) && ref['clusterScope'] === true) {
      add('clusterScope', childPath(childPath(path, key), 'clusterScope'), 'cluster-scoped workflow templates are shared across tenants');
    }
  }

  const resource = object['resource'];
  if (isJsonObject(resource) && typeof resource['manifest'] === 'string') {
    inspectResourceManifest(resource['manifest'], childPath(childPath(path, 'resource'), 'manifest'), context);
  }
}

function inspectSecurityContext(
  value: unknown,
  path: string,
  add: (rule: AdmissionRule, at: string, message: string) => void,
): void {
  if (!isJsonObject(value)) return;
  if (value['privileged'] === true) add('privileged', childPath(path, 'privileged'), 'privileged containers are not allowed');
  if (value['allowPrivilegeEscalation'] === true) {
    add('privileged', childPath(path, 'allowPrivilegeEscalation'), 'allowPrivilegeEscalation: true is not allowed');
  }
  const capabilities = value['capabilities'];
  if (isJsonObject(capabilities)) {
    asArray(capabilities['add']).forEach((capability, index) => {
      const name = String(capability).toUpperCase().replace(/^CAP_/, '');
      if (!BASELINE_CAPABILITIES.has(name)) {
        add('privileged', childPath(childPath(childPath(path, 'capabilities'), 'add'), index), `capability ${String(capability)} is not allowed`);
      }
    });
  }
  const windows = value['windowsOptions'];
  if (isJsonObject(windows) && windows['hostProcess'] === true) {
    add('privileged', childPath(childPath(path, 'windowsOptions'), 'hostProcess'), 'host process containers are not allowed');
  }
}

/**
 * A `resource` template creates any object with the workflow's service account; the same rules apply to
 * what it creates (a Pod, a Job…), and it must stay in the tenant namespace. Manifests that do not parse
 * (Argo substitutes `{{…}}` first) are left to RBAC and Pod Security Admission.
 */
function inspectResourceManifest(text: string, path: string, context: WalkContext): void {
  let documents: readonly unknown[];
  try {
    documents = parseAllDocuments(text).map((d) => (d.errors.length > 0 ? undefined : (d.toJS({ maxAliasCount: 100 }) as unknown)));
  } catch {
    return;
  }
  for (const document of documents) {
    if (!isJsonObject(document)) continue;
    const metadata = document['metadata'];
    const namespace = isJsonObject(metadata) ? metadata['namespace'] : undefined;
    if (namespace !== undefined && namespace !== context.policy.namespace) {
      context.violations.push({
        rule: 'namespace',
        path: `${path}.metadata.namespace`,
        message: `resource namespace ${JSON.stringify(namespace)} is not the run's namespace "${context.policy.namespace}"`,
      });
    }
    // Inner paths are reported relative to the manifest string, e.g. `…resource.manifest.spec.containers[0]…`.
    walk(document['spec'], `${path}.spec`, { ...context, trustedPatches: new Set() });
  }
}
