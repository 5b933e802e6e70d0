import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CRD_DIR } from '../../src/emulator/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const RBAC_DIR = join(DEFAULT_CRD_DIR, 'kfp-multi-user-rbac');

/** `npm start -- --seed DIR` / KFP_GRAPH_SEED: the emulator holds what DIR holds instead of the demo tenants. */
describe('starting with a seed directory', () => {
  let dir: string;
  let t: TestServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kfpg-seed-'));
    // Kubeflow's and KFP's ClusterRoles, as an operator would export them, and one team of our own.
    // (Files directly in DIR, as `kubectl apply -f DIR` reads them: subdirectories are not seeded.)
    for (const file of readdirSync(RBAC_DIR)) cpSync(join(RBAC_DIR, file), join(dir, file));
    writeFileSync(
      join(dir, 'team.yaml'),
      `apiVersion: kubeflow.org/v1
kind: Profile
metadata:
  name: data-science
spec:
  owner: { kind: User, name: sam@example.com }
---
apiVersion: v1
kind: Namespace
metadata:
  name: data-science
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: namespaceAdmin
  namespace: data-science
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kubeflow-admin }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: sam@example.com }
`,
    );
    t = await startTestServer({ demoData: false, env: { KFP_GRAPH_SEED: dir } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the seeded tenants and none of the demo ones', async () => {
    const sam = await t.gql<{ namespaces: { nodes: { name: string }[] } }>('{ namespaces { nodes { name } } }', {}, { user: 'sam@example.com' });
    expect(sam.body.data?.namespaces.nodes.map((n) => n.name)).toEqual(['data-science']);
    expect(t.server.app.directory.list()).toEqual(['data-science']);
    const alice = await t.gql<{ namespaces: { nodes: unknown[] } }>('{ namespaces { nodes { name } } }', {}, { user: 'alice@example.com' });
    expect(alice.body.data?.namespaces.nodes).toEqual([]);
  });

  it('lets the seeded owner work in the namespace', async () => {
    const res = await t.gql<{ createExperiment: { experiment: { namespace: string } } }>(
      'mutation { createExperiment(input: { namespace: "data-science", name: "first" }) { experiment { namespace } } }',
      {},
      { user: 'sam@example.com' },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.createExperiment.experiment.namespace).toBe('data-science');
  });
});
