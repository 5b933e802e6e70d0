import { UPSTREAM_FIXTURES } from '../support/upstream-fixtures.js';
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubernetesObject,
  type V1Lease,
} from '@kubernetes/client-node';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readYamlDocuments, type RunningEmulator } from '../../src/emulator/index.js';
import { failure, kubeConfigFor, startDemoEmulator } from './emulator-harness.js';

const helloWorld = readYamlDocuments(join(UPSTREAM_FIXTURES, 'argo/hello-world.yaml'))[0] ?? {};
const wf = { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows' } as const;
type Obj = KubernetesObject & Record<string, unknown>;

let emu: RunningEmulator;
let custom: CustomObjectsApi;

beforeAll(async () => {
  emu = await startDemoEmulator();
  custom = kubeConfigFor(emu).makeApiClient(CustomObjectsApi);
});
afterAll(async () => emu.close());

describe('Workflows through @kubernetes/client-node', () => {
  it('creates with generateName, gets, lists, patches (merge and JSON patch) and deletes', async () => {
    const created = (await custom.createNamespacedCustomObject({ ...wf, namespace: 'alice', body: helloWorld })) as Obj;
    const name = created.metadata?.name ?? '';
    expect(name).toMatch(/^hello-world-[a-z0-9]{5}$/);
    expect(created.metadata).toMatchObject({ namespace: 'alice', generation: 1 });
    expect(created.metadata?.uid).toMatch(/\S/);

    const got = (await custom.getNamespacedCustomObject({ ...wf, namespace: 'alice', name })) as Obj;
    expect(got.spec).toMatchObject({ entrypoint: 'hello-world' });

    const merged = (await custom.patchNamespacedCustomObject(
      { ...wf, namespace: 'alice', name, body: { metadata: { labels: { team: 'a' } }, spec: { entrypoint: 'other' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Obj;
    expect(merged.metadata?.labels).toMatchObject({ team: 'a', 'workflows.argoproj.io/archive-strategy': 'false' });
    expect(merged.metadata?.generation).toBe(2);

    const jsonPatched = (await custom.patchNamespacedCustomObject(
      {
        ...wf,
        namespace: 'alice',
        name,
        body: [
          { op: 'replace', path: '/spec/entrypoint', value: 'hello-world' },
          { op: 'remove', path: '/metadata/labels/team' },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    )) as Obj;
    expect(jsonPatched.spec).toMatchObject({ entrypoint: 'hello-world' });
    expect(jsonPatched.metadata?.labels?.team).toBeUndefined();

    // The Argo v4.0.8 CRD declares no status subresource: status is written with the object, without a generation bump.
    const withStatus = (await custom.patchNamespacedCustomObject(
      { ...wf, namespace: 'alice', name, body: { status: { phase: 'Running' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Obj;
    expect(withStatus.status).toEqual({ phase: 'Running' });
    expect((await failure(custom.getNamespacedCustomObjectStatus({ ...wf, namespace: 'alice', name }))).code).toBe(404);

    await custom.deleteNamespacedCustomObject({ ...wf, namespace: 'alice', name });
    const missing = await failure(custom.getNamespacedCustomObject({ ...wf, namespace: 'alice', name }));
    expect(missing.code).toBe(404);
    expect(missing.status).toMatchObject({ kind: 'Status', reason: 'NotFound', message: `workflows.argoproj.io "${name}" not found` });
  });

  it('refuses a second object of the same name (409 AlreadyExists), a stale update (409 Conflict) and a missing namespace (404)', async () => {
    const body = { ...helloWorld, metadata: { name: 'fixed-name' } };
    const first = (await custom.createNamespacedCustomObject({ ...wf, namespace: 'bob', body })) as Obj;
    expect((await failure(custom.createNamespacedCustomObject({ ...wf, namespace: 'bob', body }))).status).toMatchObject({
      reason: 'AlreadyExists',
      code: 409,
    });
    // A replace that changes nothing keeps the resourceVersion, as kube-apiserver skips no-op writes.
    const same = (await custom.replaceNamespacedCustomObject({ ...wf, namespace: 'bob', name: 'fixed-name', body: first })) as Obj;
    expect(same.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    await custom.replaceNamespacedCustomObject({
      ...wf,
      namespace: 'bob',
      name: 'fixed-name',
      body: { ...first, metadata: { ...first.metadata, labels: { v: '2' } } },
    });
    const stale = await failure(custom.replaceNamespacedCustomObject({ ...wf, namespace: 'bob', name: 'fixed-name', body: first }));
    expect(stale.status).toMatchObject({ reason: 'Conflict', code: 409 });
    const nowhere = await failure(custom.createNamespacedCustomObject({ ...wf, namespace: 'no-such-ns', body }));
    expect(nowhere.status).toMatchObject({ reason: 'NotFound', message: 'namespaces "no-such-ns" not found' });
  });

  it('answers an invalid Workflow with 422 Invalid and field paths', async () => {
    const bad = {
      ...helloWorld,
      metadata: { name: 'bad' },
      spec: { entrypoint: 1, parallelism: 'two', templates: [{ name: 't', container: { image: 'x', ports: [{}] } }] },
    };
    const { code, status } = await failure(custom.createNamespacedCustomObject({ ...wf, namespace: 'alice', body: bad }));
    expect(code).toBe(422);
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      details: { name: 'bad', group: 'argoproj.io', kind: 'Workflow' },
    });
    const causes = (status.details as { causes: { field: string; message: string }[] }).causes;
    expect(causes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'spec.parallelism', message: 'Invalid value: "string": spec.parallelism in body must be of type integer: "string"' }),
        expect.objectContaining({ field: 'spec.entrypoint' }),
        expect.objectContaining({ field: 'spec.templates[0].container.ports[0].containerPort', message: 'Required value' }),
      ]),
    );
    expect(String(status.message)).toMatch(/^Workflow.argoproj.io "bad" is invalid: \[/);
  });

  it('lists with labelSelector and pages with limit/continue', async () => {
    for (let i = 0; i < 5; i++) {
      const body = { ...helloWorld, metadata: { name: `page-${i}`, labels: { batch: 'p', parity: i % 2 === 0 ? 'even' : 'odd' } } };
      await custom.createNamespacedCustomObject({ ...wf, namespace: 'ml-research', body });
    }
    const even = (await custom.listNamespacedCustomObject({ ...wf, namespace: 'ml-research', labelSelector: 'batch=p,parity in (even)' })) as { items: Obj[] };
    expect(even.items.map((o) => o.metadata?.name)).toEqual(['page-0', 'page-2', 'page-4']);
    const notOdd = (await custom.listNamespacedCustomObject({ ...wf, namespace: 'ml-research', labelSelector: 'parity!=odd,!missing,batch' })) as {
      items: Obj[];
    };
    expect(notOdd.items).toHaveLength(3);
    const byName = (await custom.listNamespacedCustomObject({ ...wf, namespace: 'ml-research', fieldSelector: 'metadata.name=page-3' })) as { items: Obj[] };
    expect(byName.items.map((o) => o.metadata?.name)).toEqual(['page-3']);

    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = (await custom.listNamespacedCustomObject({ ...wf, namespace: 'ml-research', labelSelector: 'batch=p', limit: 2, _continue: token })) as {
        items: Obj[];
        metadata: { continue?: string; resourceVersion: string };
      };
      expect(page.metadata.resourceVersion).toMatch(/^\d+$/);
      names.push(...page.items.map((o) => o.metadata?.name ?? ''));
      token = page.metadata.continue;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(names).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  });

  it('watch delivers ADDED, MODIFIED and DELETED', async () => {
    const list = (await custom.listNamespacedCustomObject({ ...wf, namespace: 'bob' })) as { metadata: { resourceVersion: string } };
    const events: string[] = [];
    const done = new Promise<void>((resolve) => {
      void new Watch(kubeConfigFor(emu)).watch(
        '/apis/argoproj.io/v1alpha1/namespaces/bob/workflows',
        { resourceVersion: list.metadata.resourceVersion },
        (type, obj: Obj) => {
          events.push(`${type} ${obj.metadata?.name}`);
          if (type === 'DELETED') resolve();
        },
        () => undefined,
      );
    });
    const body = { ...helloWorld, metadata: { name: 'watched' } };
    await custom.createNamespacedCustomObject({ ...wf, namespace: 'bob', body });
    await custom.patchNamespacedCustomObject(
      { ...wf, namespace: 'bob', name: 'watched', body: { metadata: { labels: { x: 'y' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await custom.deleteNamespacedCustomObject({ ...wf, namespace: 'bob', name: 'watched' });
    await done;
    expect(events).toEqual(['ADDED watched', 'MODIFIED watched', 'DELETED watched']);
  });

  it('informer (ListWatch) keeps a cache in step', async () => {
    const kc = kubeConfigFor(emu);
    const api = kc.makeApiClient(CustomObjectsApi);
    const informer = makeInformer<Obj>(
      kc,
      '/apis/argoproj.io/v1alpha1/namespaces/ml-research/workflows',
      () => api.listNamespacedCustomObject({ ...wf, namespace: 'ml-research' }) as Promise<never>,
    );
    const added = new Promise<void>((resolve) => informer.on('add', (o) => o.metadata?.name === 'informed' && resolve()));
    await informer.start();
    expect(informer.list().length).toBeGreaterThan(0);
    await custom.createNamespacedCustomObject({ ...wf, namespace: 'ml-research', body: { ...helloWorld, metadata: { name: 'informed' } } });
    await added;
    expect(informer.get('informed', 'ml-research')).toBeDefined();
    await informer.stop();
  });

  it('Profile status subresource: /status writes only status, the main resource ignores status', async () => {
    const profiles = { group: 'kubeflow.org', version: 'v1', plural: 'profiles' } as const;
    const created = (await custom.createClusterCustomObject({
      ...profiles,
      body: {
        apiVersion: 'kubeflow.org/v1',
        kind: 'Profile',
        metadata: { name: 'team-x' },
        spec: { owner: { kind: 'User', name: 'x@example.com' } },
        status: { conditions: [{ type: 'Ready' }] },
      },
    })) as Obj;
    expect(created.status).toBeUndefined();
    const viaStatus = (await custom.patchClusterCustomObjectStatus(
      {
        ...profiles,
        name: 'team-x',
        body: { status: { conditions: [{ type: 'Ready', status: 'True' }] }, spec: { owner: { kind: 'User', name: 'evil@example.com' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Obj;
    expect(viaStatus.status).toEqual({ conditions: [{ type: 'Ready', status: 'True' }] });
    expect(viaStatus.spec).toMatchObject({ owner: { name: 'x@example.com' } });
    expect(viaStatus.metadata?.generation).toBe(1);
    const viaMain = (await custom.patchClusterCustomObject(
      { ...profiles, name: 'team-x', body: { status: { conditions: [] }, spec: { owner: { kind: 'User', name: 'y@example.com' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Obj;
    expect(viaMain.status).toEqual({ conditions: [{ type: 'Ready', status: 'True' }] });
    expect(viaMain.metadata?.generation).toBe(2);
    const v1beta1 = (await custom.getClusterCustomObject({ group: 'kubeflow.org', version: 'v1beta1', plural: 'profiles', name: 'team-x' })) as Obj;
    expect(v1beta1.apiVersion).toBe('kubeflow.org/v1beta1');
  });
});

describe('watch resumption', () => {
  it('a resourceVersion older than the history gets an ERROR event with a 410 Expired Status', async () => {
    const small = await startDemoEmulator({ watchHistorySize: 5 });
    try {
      const core = kubeConfigFor(small).makeApiClient(CoreV1Api);
      for (let i = 0; i < 10; i++) await core.createNamespacedConfigMap({ namespace: 'alice', body: { metadata: { name: `cm-${i}` } } });
      const event = await new Promise<{ type: string; obj: Record<string, unknown> }>((resolve, reject) => {
        void new Watch(kubeConfigFor(small)).watch(
          '/api/v1/namespaces/alice/configmaps',
          { resourceVersion: '2' },
          (type, obj: Record<string, unknown>) => resolve({ type, obj }),
          (err: unknown) => err && reject(err),
        );
      });
      expect(event.type).toBe('ERROR');
      expect(event.obj).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    } finally {
      await small.close();
    }
  });

  it('sends BOOKMARK events when allowed', async () => {
    const quick = await startDemoEmulator({ bookmarkIntervalMs: 50 });
    try {
      const type = await new Promise<string>((resolve) => {
        void new Watch(kubeConfigFor(quick)).watch(
          '/api/v1/namespaces/alice/configmaps',
          { allowWatchBookmarks: true, resourceVersion: '1' },
          (t: string) => t === 'BOOKMARK' && resolve(t),
          () => undefined,
        );
      });
      expect(type).toBe('BOOKMARK');
    } finally {
      await quick.close();
    }
  });
});

describe('Leases for leader election', () => {
  it('two replicas updating from the same resourceVersion: the second gets 409 Conflict', async () => {
    const leases = kubeConfigFor(emu).makeApiClient(CoordinationV1Api);
    const lease: V1Lease = { metadata: { name: 'kfp-graph-sync', namespace: 'kubeflow' }, spec: { holderIdentity: 'replica-a', leaseDurationSeconds: 15 } };
    const created = await leases.createNamespacedLease({ namespace: 'kubeflow', body: lease });
    const a = { ...created, spec: { ...created.spec, holderIdentity: 'replica-a', renewTime: new Date() } };
    const b = { ...created, spec: { ...created.spec, holderIdentity: 'replica-b', renewTime: new Date() } };
    const won = await leases.replaceNamespacedLease({ namespace: 'kubeflow', name: 'kfp-graph-sync', body: a });
    expect(won.spec?.holderIdentity).toBe('replica-a');
    const lost = await failure(leases.replaceNamespacedLease({ namespace: 'kubeflow', name: 'kfp-graph-sync', body: b }));
    expect(lost.status).toMatchObject({ reason: 'Conflict', code: 409 });
    expect(Number(won.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
  });
});
