import { InvalidInputError } from '../../errors/domain-errors.js';
import { DEFAULT_TRUSTED_KFP_DRIVER_IMAGES, kfpDriverPatchedTemplates } from './kfp-driver-patch.js';
import { claimSpecViolations, resourceTemplateViolations } from './resource-template-admission.js';
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
  | 'templateRef'
  | 'resource'
  | 'alias';

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

/** PSS baseline's allowed SELinux types (https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline). */
const BASELINE_SELINUX_TYPES: ReadonlySet<string> = new Set(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
/** PSS baseline's safe sysctls (Kubernetes: pkg/kubelet/sysctl/safe_sysctls.go). */
const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

/**
 * Fields admission judges, by their lower-cased name. Go's encoding/json (Argo's executor and controller read
 * templates with it) matches JSON keys to fields case-insensitively, so `"PodSpecPatch"` or `"Privileged"` could
 * reach the same setting under a spelling admission does not look at: every other spelling is refused.
 */
const JUDGED_FIELDS: ReadonlyMap<string, string> = new Map(
  [
    'serviceAccountName',
    'serviceAccount',
    'securityContext',
    'privileged',
    'allowPrivilegeEscalation',
    'capabilities',
    'windowsOptions',
    'hostProcess',
    ...HOST_NAMESPACE_FIELDS,
    'procMount',
    'seccompProfile',
    'appArmorProfile',
    'seLinuxOptions',
    'sysctls',
    'annotations',
    'hostPort',
    'volumes',
    'hostPath',
    'podSpecPatch',
    'templateRef',
    'workflowTemplateRef',
    'clusterWorkflowTemplateRef',
    'templateDefaults',
    'executor',
    'resource',
    'manifest',
    'manifestFrom',
  ].map((name) => [name.toLowerCase(), name]),
);

/** Fields that pull in a template admission never saw (a (Cluster)WorkflowTemplate stored in the cluster). */
const TEMPLATE_REFERENCES = ['templateRef', 'workflowTemplateRef', 'clusterWorkflowTemplateRef'] as const;

/**
 * Refuses a workflow that would escape its tenant: throws one InvalidInputError listing every violation
 * (`details.path` is the first, `details.violations` all of them).
 *
 * KFP's apiserver checks only `spec.serviceAccountName` (kubeflow/pipelines#14357), but Argo lets a template
 * (`templates[i].serviceAccountName`) or the executor (`executor.serviceAccountName`) run under another
 * account, so every level is checked. The spec is walked generically, so the same rules hold wherever Argo
 * accepts the field: templates, `templateDefaults`, `containerSet`, sidecars, init containers, hooks. What
 * a `resource` template makes follows an allow-list (resource-template-admission.ts); template references,
 * whose spec the cluster supplies at run time, are refused; judged fields spelled any other way are refused.
 */
export function admitWorkflow(manifest: Workflow, policy: AdmissionPolicy): void {
  const violations = admissionViolations(manifest, policy);
  const [first] = violations;
  if (first === undefined) return;
  const list = violations.map((v) => `${v.path}: ${v.message}`).join('; ');
  throw new InvalidInputError(`workflow refused (${violations.length} violation${violations.length === 1 ? '' : 's'}): ${list}`, first.path, { violations });
}

/** Every violation, in document order; empty when the workflow is admitted. */
export function admissionViolations(manifest: Workflow, policy: AdmissionPolicy): readonly AdmissionViolation[] {
  const violations: AdmissionViolation[] = [];
  const namespace = isJsonObject(manifest.metadata) ? manifest.metadata.namespace : undefined;
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
    value.forEach((item: unknown, index) => {
      walk(item, childPath(path, index), context);
    });
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

  for (const key of Object.keys(object)) {
    const judged = JUDGED_FIELDS.get(key.toLowerCase());
    if (judged !== undefined && judged !== key) {
      add('alias', childPath(path, key), `${JSON.stringify(key)} is another spelling of ${judged}, which Argo's readers would accept; write ${judged}`);
    }
  }

  // `serviceAccount` is PodSpec's deprecated alias of `serviceAccountName` (Kubernetes core/v1 types.go,
  // DeprecatedServiceAccount): both name the account the pod runs as.
  for (const field of ['serviceAccountName', 'serviceAccount'] as const) {
    const serviceAccount = object[field];
    // An empty name means "unset" to Argo: the workflow-level account (set by buildRunWorkflow) applies.
    if (serviceAccount !== undefined && serviceAccount !== '' && !policy.allowedServiceAccounts.includes(String(serviceAccount))) {
      add(
        'serviceAccount',
        childPath(path, field),
        `service account ${JSON.stringify(String(serviceAccount).slice(0, 80))} is not allowed (allowed: ${policy.allowedServiceAccounts.join(', ') || 'none'})`,
      );
    }
  }

  if (!policy.dangerouslyAllowPrivileged) {
    inspectSecurityContext(object.securityContext, childPath(path, 'securityContext'), add);
    inspectAnnotations(object.annotations, childPath(path, 'annotations'), add);
  }

  if (!policy.dangerouslyAllowHostNamespaces) {
    for (const field of HOST_NAMESPACE_FIELDS) {
      if (object[field] === true) add('hostNamespaces', childPath(path, field), `${field} shares the node's namespace`);
    }
    // PSS baseline forbids host ports too: a container port bound on the node's own network.
    const hostPort = object.hostPort;
    if (hostPort !== undefined && hostPort !== 0) add('hostNamespaces', childPath(path, 'hostPort'), 'hostPort binds a port of the node');
  }

  const patch = object.podSpecPatch;
  if (patch !== undefined && patch !== '' && !policy.dangerouslyAllowPodSpecPatch) {
    const templateName = /^spec\.templates\[\d+\]$/.test(path) ? object.name : undefined;
    if (typeof templateName !== 'string' || !context.trustedPatches.has(templateName)) {
      add('podSpecPatch', childPath(path, 'podSpecPatch'), 'podSpecPatch can override every other rule and is not allowed');
    }
  }

  if (!policy.dangerouslyAllowHostPath) {
    asArray(object.volumes).forEach((volume, index) => {
      if (isJsonObject(volume) && volume.hostPath !== undefined) {
        const at = childPath(childPath(childPath(path, 'volumes'), index), 'hostPath');
        add('hostPath', at, "hostPath volumes mount the node's filesystem");
      }
    });
  }

  // A template reference runs a (Cluster)WorkflowTemplate as the cluster holds it when the step starts: a spec
  // admission never saw, which the tenant (or anyone) may change later. Refused outright (no switch); a
  // pipeline inlines its templates, as the KFP compiler does.
  for (const key of TEMPLATE_REFERENCES) {
    if (object[key] !== undefined && object[key] !== null) {
      add('templateRef', childPath(path, key), `${key} runs a template admission cannot see; inline the template`);
    }
  }

  // Claims Argo (volumeClaimTemplates) or the kubelet (an ephemeral volume's volumeClaimTemplate) creates follow
  // the same rules as a resource template's claim.
  const claims = [
    ...asArray(object.volumeClaimTemplates).map((claim, index) => [claim, childPath(childPath(path, 'volumeClaimTemplates'), index)] as const),
    ...(object.volumeClaimTemplate === undefined ? [] : [[object.volumeClaimTemplate, childPath(path, 'volumeClaimTemplate')] as const]),
  ];
  for (const [claim, at] of claims) {
    const claimSpec = isJsonObject(claim) && isJsonObject(claim.spec) ? claim.spec : undefined;
    if (claimSpec === undefined) continue;
    for (const violation of claimSpecViolations(claimSpec, childPath(at, 'spec'), policy.namespace)) add('resource', violation.path, violation.message);
  }

  const resource = object.resource;
  if (isJsonObject(resource)) {
    const resourcePath = childPath(path, 'resource');
    for (const violation of resourceTemplateViolations(resource, resourcePath, policy.namespace)) add('resource', violation.path, violation.message);
  }
}

function inspectSecurityContext(value: unknown, path: string, add: (rule: AdmissionRule, at: string, message: string) => void): void {
  if (!isJsonObject(value)) return;
  if (value.privileged === true) add('privileged', childPath(path, 'privileged'), 'privileged containers are not allowed');
  if (value.allowPrivilegeEscalation === true) {
    add('privileged', childPath(path, 'allowPrivilegeEscalation'), 'allowPrivilegeEscalation: true is not allowed');
  }
  const capabilities = value.capabilities;
  if (isJsonObject(capabilities)) {
    asArray(capabilities.add).forEach((capability, index) => {
      const name = String(capability).toUpperCase().replace(/^CAP_/, '');
      if (!BASELINE_CAPABILITIES.has(name)) {
        add('privileged', childPath(childPath(childPath(path, 'capabilities'), 'add'), index), `capability ${String(capability)} is not allowed`);
      }
    });
  }
  const windows = value.windowsOptions;
  if (isJsonObject(windows) && windows.hostProcess === true) {
    add('privileged', childPath(childPath(path, 'windowsOptions'), 'hostProcess'), 'host process containers are not allowed');
  }
  // The rest of PSS baseline: an unmasked /proc, unconfined seccomp or AppArmor, SELinux beyond the container
  // types, and sysctls outside the namespaced safe set each loosen the container's confinement.
  if (value.procMount !== undefined && value.procMount !== 'Default') {
    add('privileged', childPath(path, 'procMount'), `procMount ${JSON.stringify(value.procMount)} is not allowed`);
  }
  for (const field of ['seccompProfile', 'appArmorProfile'] as const) {
    const profile = value[field];
    if (isJsonObject(profile) && profile.type === 'Unconfined')
      add('privileged', childPath(childPath(path, field), 'type'), `${field} Unconfined is not allowed`);
  }
  const selinux = value.seLinuxOptions;
  if (isJsonObject(selinux)) {
    const type = selinux.type;
    if (type !== undefined && type !== '' && !BASELINE_SELINUX_TYPES.has(String(type)))
      add('privileged', childPath(childPath(path, 'seLinuxOptions'), 'type'), `SELinux type ${JSON.stringify(type)} is not allowed`);
    for (const field of ['user', 'role'] as const) {
      if (selinux[field] !== undefined && selinux[field] !== '')
        add('privileged', childPath(childPath(path, 'seLinuxOptions'), field), `a custom SELinux ${field} is not allowed`);
    }
  }
  asArray(value.sysctls).forEach((sysctl, index) => {
    const name = isJsonObject(sysctl) ? String(sysctl.name) : '';
    if (!SAFE_SYSCTLS.has(name))
      add('privileged', childPath(childPath(path, 'sysctls'), index), `sysctl ${JSON.stringify(name).slice(0, 80)} is not in the safe set`);
  });
}

/**
 * Pod annotations that are older spellings of seccomp and AppArmor profiles (Kubernetes still honours the
 * AppArmor ones): `unconfined` through an annotation is the same escape as `type: Unconfined`.
 */
function inspectAnnotations(value: unknown, path: string, add: (rule: AdmissionRule, at: string, message: string) => void): void {
  if (!isJsonObject(value)) return;
  for (const [key, setting] of Object.entries(value)) {
    const profileKey =
      key.startsWith('container.apparmor.security.beta.kubernetes.io/') ||
      key === 'seccomp.security.alpha.kubernetes.io/pod' ||
      key.startsWith('container.seccomp.security.alpha.kubernetes.io/');
    if (profileKey && String(setting).toLowerCase() === 'unconfined')
      add('privileged', childPath(path, key), 'an unconfined seccomp or AppArmor profile is not allowed');
  }
}
