import { asArray, asString, isJsonObject } from './workflow-types.js';
import type { Template, TemplateInvocation, WorkflowSpec } from './workflow-types.js';

/**
 * Image prefixes of the KFP v2 driver trusted to compute a pod spec patch. KFP v2's compiler gives the
 * launcher template `podSpecPatch: '{{inputs.parameters.pod-spec-patch}}'` and feeds it the output of the
 * driver task (`{{tasks.<x>-driver.outputs.parameters.pod-spec-patch}}`, fixtures/kfp/hello_world.yaml):
 * the driver builds it from the component spec and the kfp-kubernetes platform config, which cannot
 * express hostPath, privileged containers or host namespaces. Trusting the patch is trusting the driver
 * image, so the image is pinned; a tenant-written "driver" in another image is not trusted.
 */
export const DEFAULT_TRUSTED_KFP_DRIVER_IMAGES: readonly string[] = [
  'ghcr.io/kubeflow/kfp-driver:',
  'ghcr.io/kubeflow/kfp-driver@',
  'gcr.io/ml-pipeline/kfp-driver:',
  'gcr.io/ml-pipeline/kfp-driver@',
];

const INPUT_REF = /^\{\{inputs\.parameters\.([\w-]+)\}\}$/;
const SIBLING_OUTPUT_REF = /^\{\{(tasks|steps)\.([\w-]+)\.outputs\.parameters\.([\w-]+)\}\}$/;

interface Invocation {
  readonly caller: string;
  readonly kind: 'tasks' | 'steps' | 'hook';
  readonly invocation: TemplateInvocation;
  readonly siblings: ReadonlyMap<string, TemplateInvocation>;
}

/**
 * The names of templates whose `podSpecPatch` is exactly `{{inputs.parameters.P}}` and whose every caller
 * feeds P from a trusted driver's output (directly, or forwarded through the callers' own inputs). Anything
 * else (a literal patch, a default value, a workflow argument, an unknown producer) is not in the set.
 */
export function kfpDriverPatchedTemplates(spec: WorkflowSpec, trustedImages: readonly string[] = DEFAULT_TRUSTED_KFP_DRIVER_IMAGES): ReadonlySet<string> {
  const templates = new Map<string, Template>();
  for (const raw of asArray(spec.templates)) {
    if (isJsonObject(raw) && typeof raw.name === 'string') templates.set(raw.name, raw as Template);
  }
  const invocations = collectInvocations(templates);
  // Templates run with workflow-level arguments or from workflow hooks take tenant input directly.
  const external = new Set<string>([spec.entrypoint ?? '', spec.onExit ?? '']);
  for (const hook of Object.values(isJsonObject(spec.hooks) ? spec.hooks : {})) {
    if (isJsonObject(hook) && typeof hook.template === 'string') external.add(hook.template);
  }

  const isTrustedDriver = (name: string | undefined, output: string): boolean => {
    const template = name === undefined ? undefined : templates.get(name);
    if (template === undefined || template.script || template.containerSet) return false;
    if (template.initContainers !== undefined || template.sidecars !== undefined) return false;
    if (template.volumes !== undefined || template.podSpecPatch !== undefined) return false;
    const container = template.container;
    if (!isJsonObject(container) || container.volumeMounts !== undefined) return false;
    const command = asArray(container.command);
    if (command.length !== 1 || command[0] !== 'driver') return false;
    const image = asString(container.image) ?? '';
    if (!trustedImages.some((prefix) => image.startsWith(prefix))) return false;
    const declared = asArray(template.outputs?.parameters).find((p) => isJsonObject(p) && p.name === output);
    if (!isJsonObject(declared) || declared.value !== undefined) return false;
    const valueFrom = declared.valueFrom;
    if (!isJsonObject(valueFrom) || typeof valueFrom.path !== 'string') return false;
    return Object.keys(valueFrom).every((key) => key === 'path' || (key === 'default' && valueFrom[key] === ''));
  };

  const paramTrusted = (templateName: string, param: string, seen: ReadonlySet<string>): boolean => {
    const key = `${templateName}\u0000${param}`;
    if (seen.has(key) || external.has(templateName)) return false;
    const template = templates.get(templateName);
    const declared = asArray(template?.inputs?.parameters).find((p) => isJsonObject(p) && p.name === param);
    if (!isJsonObject(declared) || !isBlank(declared.value) || !isBlank(declared.default)) return false;
    if (declared.valueFrom !== undefined) return false;
    const callers = invocations.get(templateName) ?? [];
    if (callers.length === 0) return false;
    const nextSeen = new Set(seen).add(key);
    return callers.every((call) => argumentTrusted(call, param, nextSeen));
  };

  const argumentTrusted = (call: Invocation, param: string, seen: ReadonlySet<string>): boolean => {
    const argument = asArray(call.invocation.arguments?.parameters).find((p) => isJsonObject(p) && p.name === param);
    if (!isJsonObject(argument) || !isBlank(argument.default) || argument.valueFrom !== undefined) {
      return false;
    }
    const value = asString(argument.value);
    if (value === undefined) return false;
    if (value === '') return true;
    const forwarded = INPUT_REF.exec(value);
    if (forwarded?.[1] !== undefined) return paramTrusted(call.caller, forwarded[1], seen);
    const produced = SIBLING_OUTPUT_REF.exec(value);
    if (produced?.[2] === undefined || produced[3] === undefined || produced[1] !== call.kind) return false;
    const producer = call.siblings.get(produced[2]);
    if (producer === undefined || producer.templateRef !== undefined) return false;
    return isTrustedDriver(producer.template, produced[3]);
  };

  const trusted = new Set<string>();
  for (const [name, template] of templates) {
    const patch = asString(template.podSpecPatch);
    const param = patch === undefined ? undefined : INPUT_REF.exec(patch)?.[1];
    if (param !== undefined && paramTrusted(name, param, new Set())) trusted.add(name);
  }
  return trusted;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === '';
}

function collectInvocations(templates: ReadonlyMap<string, Template>): ReadonlyMap<string, readonly Invocation[]> {
  const byTemplate = new Map<string, Invocation[]>();
  const add = (call: Invocation): void => {
    const target = asString(call.invocation.template);
    if (target === undefined) return;
    const list = byTemplate.get(target) ?? [];
    list.push(call);
    byTemplate.set(target, list);
  };
  const addWithHooks = (caller: string, kind: 'tasks' | 'steps', invocation: unknown, siblings: ReadonlyMap<string, TemplateInvocation>): void => {
    if (!isJsonObject(invocation)) return;
    add({ caller, kind, invocation: invocation as TemplateInvocation, siblings });
    const hooks = invocation.hooks;
    for (const hook of Object.values(isJsonObject(hooks) ? hooks : {})) {
      if (isJsonObject(hook)) add({ caller, kind: 'hook', invocation: hook as TemplateInvocation, siblings: new Map() });
    }
  };
  for (const [name, template] of templates) {
    const tasks = asArray(isJsonObject(template.dag) ? template.dag.tasks : undefined);
    const taskMap = byName(tasks);
    for (const task of tasks) addWithHooks(name, 'tasks', task, taskMap);
    const steps = asArray(template.steps).flatMap((group) => asArray(group));
    const stepMap = byName(steps);
    for (const step of steps) addWithHooks(name, 'steps', step, stepMap);
  }
  return byTemplate;
}

function byName(invocations: readonly unknown[]): ReadonlyMap<string, TemplateInvocation> {
  const map = new Map<string, TemplateInvocation>();
  for (const entry of invocations) {
    if (isJsonObject(entry) && typeof entry.name === 'string') map.set(entry.name, entry as TemplateInvocation);
  }
  return map;
}
