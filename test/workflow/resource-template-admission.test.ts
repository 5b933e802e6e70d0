import { describe, expect, it } from 'vitest';
import { admissionViolations } from '../../src/kube/workflow/workflow-admission.js';
import type { AdmissionPolicy } from '../../src/kube/workflow/workflow-admission.js';
import type { Workflow } from '../../src/kube/workflow/workflow-types.js';

/**
 * Issue 8: a resource template's manifest is admitted only when the object the cluster will create is known
 * exactly: one allow-listed kind, no YAML that readers disagree on, no templating resolved at run time.
 */
const POLICY: AdmissionPolicy = { namespace: 'team-a', allowedServiceAccounts: ['default-editor'] };
const AT = 'spec.templates[1].resource';

function withResource(resource: Record<string, unknown>): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'wf', namespace: 'team-a' },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'make', template: 'make' }]] },
        { name: 'make', resource },
      ],
    },
  };
}
const create = (manifest: string, extra: Record<string, unknown> = {}): Workflow => withResource({ action: 'create', manifest, ...extra });
const paths = (manifest: Workflow): readonly string[] => admissionViolations(manifest, POLICY).map((v) => v.path);

/** KFP v1's dsl.VolumeOp: `{{workflow.name}}` in the claim's name (sdk/python/kfp/deprecated/dsl/_volume_op.py). */
const VOLUME_OP = [
  'apiVersion: v1',
  'kind: PersistentVolumeClaim',
  'metadata:',
  "  name: '{{workflow.name}}-my-pvc'",
  'spec:',
  '  accessModes:',
  '  - ReadWriteOnce',
  '  resources:',
  '    requests:',
  '      storage: 1Gi',
].join('\n');

describe('resource template admission', () => {
  it("admits KFP v1's VolumeOp claim and VolumeSnapshotOp snapshot, get and delete of a claim", () => {
    expect(paths(create(VOLUME_OP))).toEqual([]);
    const snapshot =
      'apiVersion: snapshot.storage.k8s.io/v1\nkind: VolumeSnapshot\nmetadata: {name: "{{workflow.name}}-snap", namespace: "{{workflow.namespace}}"}\nspec: {source: {persistentVolumeClaimName: data}}\n';
    expect(paths(create(snapshot))).toEqual([]);
    expect(paths(withResource({ action: 'delete', manifest: VOLUME_OP }))).toEqual([]);
    expect(
      paths(withResource({ action: 'get', manifest: JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'x' } }) })),
    ).toEqual([]);
  });

  it('refuses every kind outside the allow-list: a privileged Pod, a RoleBinding, a nested Workflow', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: c, image: x, securityContext: {privileged: true}}]\n';
    expect(paths(create(pod))).toEqual([`${AT}.manifest.kind`]);
    expect(paths(create('apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: x}\n'))).toEqual([`${AT}.manifest.kind`]);
    expect(paths(create('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: x}\n'))).toEqual([`${AT}.manifest.kind`]);
    // Kinds are case-sensitive to the API server, the allow-list too.
    expect(paths(create('apiVersion: v1\nkind: persistentvolumeclaim\nmetadata: {name: x}\n'))).toEqual([`${AT}.manifest.kind`]);
  });

  it('refuses YAML that kubectl (YAML 1.1) reads differently: `privileged: yes` in a Pod never passes as a string', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: c, image: x, securityContext: {privileged: yes}}]\n';
    const [violation] = admissionViolations(create(pod), POLICY);
    expect(violation?.path).toBe(`${AT}.manifest.spec.containers[0].securityContext.privileged`);
    expect(violation?.message).toMatch(/YAML 1\.1/);
    const octal = VOLUME_OP.replace('storage: 1Gi', 'storage: 0644');
    expect(paths(create(octal))).toEqual([`${AT}.manifest.spec.resources.requests.storage`]);
  });

  it('refuses anchors, aliases, merge keys, explicit tags and duplicate keys', () => {
    const base = 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: x}\n';
    for (const tail of [
      'spec: &s {accessModes: [ReadWriteOnce]}\nx: *s\n',
      'spec:\n  <<: {volumeName: other}\n',
      'spec: !!map {}\n',
      'spec: {}\nspec: {volumeName: other}\n',
    ]) {
      expect(paths(create(base + tail))).toEqual([`${AT}.manifest`]);
    }
  });

  it('refuses templating other than the controller-made workflow name, uid and namespace', () => {
    for (const variable of [
      '{{inputs.parameters.size}}',
      '{{workflow.parameters.x}}',
      '{{=sprig.trim(inputs.parameters.x)}}',
      '{{ tasks.a.outputs.result }}',
    ]) {
      expect(paths(create(VOLUME_OP.replace('1Gi', `'${variable}'`)))).toEqual([`${AT}.manifest`]);
    }
  });

  it('refuses manifests from artifacts, kubectl flags, actions that change existing objects, and mergeStrategy', () => {
    expect(paths(withResource({ action: 'create', manifestFrom: { artifact: { name: 'm' } } }))).toEqual([`${AT}.manifestFrom`]);
    expect(paths(create(VOLUME_OP, { flags: ['--namespace=kube-system'] }))).toEqual([`${AT}.flags`]);
    for (const action of ['apply', 'patch', 'replace']) {
      expect(paths(withResource({ action, manifest: VOLUME_OP }))).toEqual([`${AT}.action`]);
    }
    expect(paths(withResource({ action: 'patch', mergeStrategy: 'json', manifest: '[{"op":"add","path":"/x","value":1}]' }))).toContain(`${AT}.mergeStrategy`);
  });

  it('refuses another namespace, binding a named volume or snapshot content, and a cross-namespace data source', () => {
    expect(paths(create(VOLUME_OP.replace("  name: '{{workflow.name}}-my-pvc'", '  name: x\n  namespace: team-b')))).toEqual([
      `${AT}.manifest.metadata.namespace`,
    ]);
    expect(paths(create(`${VOLUME_OP}\n  volumeName: pv-of-team-b`))).toEqual([`${AT}.manifest.spec.volumeName`]);
    expect(paths(create(`${VOLUME_OP}\n  dataSourceRef: {kind: PersistentVolumeClaim, name: d, namespace: team-b}`))).toEqual([
      `${AT}.manifest.spec.dataSourceRef.namespace`,
    ]);
    const snapshot =
      'apiVersion: snapshot.storage.k8s.io/v1\nkind: VolumeSnapshot\nmetadata: {name: s}\nspec: {source: {volumeSnapshotContentName: team-b-content}}\n';
    expect(paths(create(snapshot))).toEqual([`${AT}.manifest.spec.source.volumeSnapshotContentName`]);
  });

  it("applies the claim rules to a workflow's volumeClaimTemplates and an ephemeral volume's claim", () => {
    const base = withResource({ action: 'create', manifest: VOLUME_OP });
    const claim = { metadata: { name: 'work' }, spec: { accessModes: ['ReadWriteOnce'], volumeName: 'pv-of-team-b' } };
    const templates = { ...base, spec: { ...base.spec, volumeClaimTemplates: [claim] } } as Workflow;
    expect(paths(templates)).toEqual(['spec.volumeClaimTemplates[0].spec.volumeName']);
    const ephemeral = {
      ...base,
      spec: {
        ...base.spec,
        volumes: [
          { name: 'e', ephemeral: { volumeClaimTemplate: { spec: { dataSourceRef: { kind: 'PersistentVolumeClaim', name: 'd', namespace: 'team-b' } } } } },
        ],
      },
    } as Workflow;
    expect(paths(ephemeral)).toEqual(['spec.volumes[0].ephemeral.volumeClaimTemplate.spec.dataSourceRef.namespace']);
  });

  it('refuses a manifest holding several objects', () => {
    expect(paths(create(`${VOLUME_OP}\n---\n${VOLUME_OP}`))).toEqual([`${AT}.manifest`]);
  });
});
