import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/domain-errors.js';
import { admitWorkflow } from '../../src/kube/workflow/workflow-admission.js';
import type { AdmissionPolicy, AdmissionViolation } from '../../src/kube/workflow/workflow-admission.js';
import type { Template, Workflow } from '../../src/kube/workflow/workflow-types.js';
import { loadFixture, thrown } from './workflow-fixtures.js';

const POLICY: AdmissionPolicy = { namespace: 'team-a', allowedServiceAccounts: ['default-editor'] };

/** A small valid workflow; `spec` and `template` patches are merged in. */
function workflow(spec: Record<string, unknown> = {}, template: Record<string, unknown> = {}): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'wf', namespace: 'team-a' },
    spec: {
      entrypoint: 'main',
      serviceAccountName: 'default-editor',
      templates: [
        { name: 'main', steps: [[{ name: 'run', template: 'work' }]] },
        { name: 'work', container: { image: 'busybox', command: ['echo'] }, ...template },
      ],
      ...spec,
    },
  };
}

/** Asserts the workflow is refused, with `path` as the first violation, and returns the error. */
function refused(manifest: Workflow, path: string, policy: AdmissionPolicy = POLICY): InvalidInputError {
  const error = thrown(() => admitWorkflow(manifest, policy));
  expect(error).toBeInstanceOf(InvalidInputError);
  const invalid = error as InvalidInputError;
  expect(invalid.details.path).toBe(path);
  expect(invalid.message).toContain(path);
  return invalid;
}

describe('admitWorkflow', () => {
  it('admits a plain workflow, and one mounting a PersistentVolumeClaim', () => {
    expect(() => admitWorkflow(workflow(), POLICY)).not.toThrow();
    const withPvc = workflow(
      { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'my-data' } }] },
      {
        volumes: [
          { name: 'scratch', persistentVolumeClaim: { claimName: 'scratch' } },
          { name: 'tmp', emptyDir: {} },
        ],
      },
    );
    expect(() => admitWorkflow(withPvc, POLICY)).not.toThrow();
  });

  it('refuses another namespace', () => {
    const manifest = { ...workflow(), metadata: { name: 'wf', namespace: 'team-b' } };
    refused(manifest, 'metadata.namespace');
  });

  it('refuses a service account at the workflow level', () => {
    refused(workflow({ serviceAccountName: 'kubeflow-pipelines-admin' }), 'spec.serviceAccountName');
  });

  it('refuses a service account at the template level (kubeflow/pipelines#14357)', () => {
    refused(workflow({}, { serviceAccountName: 'argo-server' }), 'spec.templates[1].serviceAccountName');
  });

  it('refuses a service account at the executor level, workflow and template', () => {
    refused(workflow({ executor: { serviceAccountName: 'admin' } }), 'spec.executor.serviceAccountName');
    refused(workflow({}, { executor: { serviceAccountName: 'admin' } }), 'spec.templates[1].executor.serviceAccountName');
  });

  it('allows a listed service account at every level', () => {
    const manifest = workflow(
      { executor: { serviceAccountName: 'default-editor' } },
      { serviceAccountName: 'default-editor', executor: { serviceAccountName: 'default-editor' } },
    );
    expect(() => admitWorkflow(manifest, POLICY)).not.toThrow();
  });

  it('refuses hostPath volumes in the workflow and in a template', () => {
    refused(workflow({ volumes: [{ name: 'root', hostPath: { path: '/' } }] }), 'spec.volumes[0].hostPath');
    refused(
      workflow(
        {},
        {
          volumes: [
            { name: 'ok', emptyDir: {} },
            { name: 'docker', hostPath: { path: '/var/run/docker.sock' } },
          ],
        },
      ),
      'spec.templates[1].volumes[1].hostPath',
    );
  });

  it('refuses privileged containers, init containers, sidecars, scripts and container sets', () => {
    const privileged = { image: 'busybox', securityContext: { privileged: true } };
    refused(workflow({}, { container: privileged }), 'spec.templates[1].container.securityContext.privileged');
    refused(workflow({}, { initContainers: [privileged] }), 'spec.templates[1].initContainers[0].securityContext.privileged');
    refused(workflow({}, { sidecars: [{ name: 'dind', ...privileged }] }), 'spec.templates[1].sidecars[0].securityContext.privileged');
    refused(workflow({}, { container: undefined, script: { ...privileged, source: 'id' } }), 'spec.templates[1].script.securityContext.privileged');
    refused(
      workflow(
        {},
        {
          container: undefined,
          containerSet: {
            containers: [
              { name: 'a', image: 'x' },
              { name: 'b', ...privileged },
            ],
          },
        },
      ),
      'spec.templates[1].containerSet.containers[1].securityContext.privileged',
    );
  });

  it('refuses privilege escalation and capabilities beyond the PSS baseline', () => {
    refused(
      workflow({}, { container: { image: 'x', securityContext: { allowPrivilegeEscalation: true } } }),
      'spec.templates[1].container.securityContext.allowPrivilegeEscalation',
    );
    refused(
      workflow({}, { container: { image: 'x', securityContext: { capabilities: { add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] } } } }),
      'spec.templates[1].container.securityContext.capabilities.add[1]',
    );
    const baseline = workflow({}, { container: { image: 'x', securityContext: { capabilities: { add: ['CHOWN'], drop: ['ALL'] } } } });
    expect(() => admitWorkflow(baseline, POLICY)).not.toThrow();
  });

  it('refuses the rest of PSS baseline: procMount, unconfined profiles (fields and annotations), SELinux, sysctls, host ports', () => {
    const withContext = (securityContext: Record<string, unknown>): Workflow => workflow({}, { container: { image: 'x', securityContext } });
    const at = 'spec.templates[1].container.securityContext';
    refused(withContext({ procMount: 'Unmasked' }), `${at}.procMount`);
    refused(withContext({ seccompProfile: { type: 'Unconfined' } }), `${at}.seccompProfile.type`);
    refused(withContext({ appArmorProfile: { type: 'Unconfined' } }), `${at}.appArmorProfile.type`);
    refused(withContext({ seLinuxOptions: { type: 'spc_t' } }), `${at}.seLinuxOptions.type`);
    refused(workflow({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }), 'spec.securityContext.sysctls[0]');
    refused(
      workflow({}, { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/main': 'unconfined' } } }),
      'spec.templates[1].metadata.annotations["container.apparmor.security.beta.kubernetes.io/main"]',
    );
    refused(workflow({}, { container: { image: 'x', ports: [{ containerPort: 80, hostPort: 80 }] } }), 'spec.templates[1].container.ports[0].hostPort');
    const confined = withContext({ seccompProfile: { type: 'RuntimeDefault' }, seLinuxOptions: { type: 'container_t' }, procMount: 'Default' });
    expect(() => admitWorkflow(confined, POLICY)).not.toThrow();
    expect(() => admitWorkflow(workflow({ securityContext: { sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }] } }), POLICY)).not.toThrow();
  });

  it('refuses host namespaces at the workflow and template level', () => {
    refused(workflow({ hostNetwork: true }), 'spec.hostNetwork');
    refused(workflow({}, { hostPID: true }), 'spec.templates[1].hostPID');
    refused(workflow({}, { hostIPC: true }), 'spec.templates[1].hostIPC');
  });

  it('refuses podSpecPatch at the workflow and template level', () => {
    const patch = '{"containers":[{"name":"main","securityContext":{"privileged":true}}]}';
    refused(workflow({ podSpecPatch: patch }), 'spec.podSpecPatch');
    refused(workflow({}, { podSpecPatch: patch }), 'spec.templates[1].podSpecPatch');
    refused(workflow({ templateDefaults: { podSpecPatch: patch } }), 'spec.templateDefaults.podSpecPatch');
  });

  it('refuses every template reference, namespaced or cluster-scoped: they run a spec admission never saw', () => {
    const step = { name: 'run', templateRef: { name: 'shared', template: 'x', clusterScope: true } };
    refused(workflow({ templates: [{ name: 'main', steps: [[step]] }] }), 'spec.templates[0].steps[0][0].templateRef');
    const own = { name: 'run', templateRef: { name: 'mine', template: 'x' } };
    refused(workflow({ templates: [{ name: 'main', dag: { tasks: [own] } }] }), 'spec.templates[0].dag.tasks[0].templateRef');
    refused(workflow({ workflowTemplateRef: { name: 'mine' } }), 'spec.workflowTemplateRef');
    refused(workflow({ workflowTemplateRef: { name: 'shared', clusterScope: true } }), 'spec.workflowTemplateRef');
    refused(workflow({ clusterWorkflowTemplateRef: { name: 'shared' } }), 'spec.clusterWorkflowTemplateRef');
    const hook = { hooks: { exit: { templateRef: { name: 'mine', template: 'x' } } } };
    refused(workflow({}, hook), 'spec.templates[1].hooks.exit.templateRef');
  });

  it("refuses other spellings of judged fields (Go's JSON decoding matches keys case-insensitively)", () => {
    refused(workflow({}, { container: { image: 'x', securityContext: { Privileged: true } } }), 'spec.templates[1].container.securityContext.Privileged');
    refused(workflow({ PodSpecPatch: '{"hostPID": true}' }), 'spec.PodSpecPatch');
    refused(workflow({ hostnetwork: true }), 'spec.hostnetwork');
    refused(workflow({}, { ServiceAccountName: 'admin' }), 'spec.templates[1].ServiceAccountName');
  });

  it('refuses the deprecated serviceAccount alias of serviceAccountName', () => {
    refused(workflow({}, { serviceAccount: 'argo-server' }), 'spec.templates[1].serviceAccount');
    expect(() => admitWorkflow(workflow({}, { serviceAccount: 'default-editor' }), POLICY)).not.toThrow();
  });

  it('collects every violation into one error', () => {
    const manifest = workflow(
      { serviceAccountName: 'admin', hostNetwork: true },
      { container: { image: 'x', securityContext: { privileged: true } }, volumes: [{ name: 'h', hostPath: { path: '/' } }] },
    );
    const error = refused(manifest, 'spec.serviceAccountName');
    const violations = error.details.violations as readonly AdmissionViolation[];
    expect(violations.map((v) => v.rule).sort()).toEqual(['hostNamespaces', 'hostPath', 'privileged', 'serviceAccount']);
    for (const violation of violations) expect(error.message).toContain(violation.path);
  });

  it('lets each dangerously* switch allow its escape, and only that one', () => {
    const hostPath = workflow({ volumes: [{ name: 'h', hostPath: { path: '/data' } }] });
    const privileged = workflow({}, { container: { image: 'x', securityContext: { privileged: true } } });
    const hostNetwork = workflow({ hostNetwork: true });
    const patch = workflow({ podSpecPatch: '{"hostPID": true}' });
    expect(() => admitWorkflow(hostPath, { ...POLICY, dangerouslyAllowHostPath: true })).not.toThrow();
    expect(() => admitWorkflow(privileged, { ...POLICY, dangerouslyAllowPrivileged: true })).not.toThrow();
    expect(() => admitWorkflow(hostNetwork, { ...POLICY, dangerouslyAllowHostNamespaces: true })).not.toThrow();
    expect(() => admitWorkflow(patch, { ...POLICY, dangerouslyAllowPodSpecPatch: true })).not.toThrow();
    expect(() => admitWorkflow(privileged, { ...POLICY, dangerouslyAllowHostPath: true })).toThrow(InvalidInputError);
  });
});

describe('the KFP v2 driver pod spec patch', () => {
  const policy: AdmissionPolicy = { namespace: 'team-a', allowedServiceAccounts: ['pipeline-runner'] };

  /** The launcher template of a compiled KFP v2 pipeline and the driver template that feeds it. */
  function kfp(): { manifest: Workflow; templates: Record<string, unknown>[] } {
    const manifest = loadFixture('kfp/pipeline_with_after.yaml');
    const templates = structuredClone(manifest.spec.templates ?? []) as unknown as Record<string, unknown>[];
    return { manifest, templates };
  }
  const withTemplates = (manifest: Workflow, templates: readonly Record<string, unknown>[]): Workflow => ({
    ...manifest,
    spec: { ...manifest.spec, templates: templates as unknown as readonly Template[] },
  });
  const indexOf = (templates: readonly Record<string, unknown>[], name: string): number => templates.findIndex((t) => t.name === name);

  it('is admitted when it comes from the upstream driver image', () => {
    expect(() => admitWorkflow(loadFixture('kfp/pipeline_with_after.yaml'), policy)).not.toThrow();
  });

  it("refuses the compiler's pipeline-runner account when only the runner account is allowed", () => {
    refused(loadFixture('kfp/hello_world.yaml'), 'spec.serviceAccountName', POLICY);
  });

  it('is refused when the "driver" runs another image', () => {
    const { manifest, templates } = kfp();
    const driver = templates[indexOf(templates, 'system-container-driver')] as { container: Record<string, unknown> };
    driver.container.image = 'evil.example.com/driver:latest';
    const impl = indexOf(templates, 'system-container-impl');
    refused(withTemplates(manifest, templates), `spec.templates[${impl}].podSpecPatch`, policy);
  });

  it('is refused when a caller passes its own patch', () => {
    const { manifest, templates } = kfp();
    const executor = templates[indexOf(templates, 'system-container-executor')] as {
      dag: { tasks: { arguments: { parameters: { name: string; value: string }[] } }[] };
    };
    const [task] = executor.dag.tasks;
    if (task === undefined) throw new Error('fixture changed');
    task.arguments.parameters = [{ name: 'pod-spec-patch', value: '{"hostNetwork": true}' }];
    const impl = indexOf(templates, 'system-container-impl');
    refused(withTemplates(manifest, templates), `spec.templates[${impl}].podSpecPatch`, policy);
  });

  it('is refused when the patch template is the entrypoint (workflow arguments are tenant input)', () => {
    const { manifest, templates } = kfp();
    const impl = indexOf(templates, 'system-container-impl');
    refused({ ...manifest, spec: { ...manifest.spec, entrypoint: 'system-container-impl' } } as Workflow, `spec.templates[${impl}].podSpecPatch`, policy);
  });
});
