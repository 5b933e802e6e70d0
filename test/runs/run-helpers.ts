import { readFileSync } from 'node:fs';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { toGlobalId } from '../../src/ids/global-id.js';
import { WORKFLOW_RESOURCE } from '../../src/kube/workflow-client.js';
import type { Workflow } from '../../src/kube/workflow/workflow-types.js';
import type { Database } from '../../src/store/database.js';
import type { Kysely } from 'kysely';
import { UPSTREAM_FIXTURES } from '../support/upstream-fixtures.js';

export const ARGO_FIXTURES = `${UPSTREAM_FIXTURES}argo`;

export function argoFixture(name: string): string {
  return readFileSync(`${ARGO_FIXTURES}/${name}.yaml`, 'utf8');
}

/** The cluster as Argo's controller sees it: the admin, writing status the way the controller does. */
export function adminWorkflows(emulator: RunningEmulator) {
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeconfigYaml());
  const custom = kc.makeApiClient(CustomObjectsApi);
  return {
    custom,
    async get(namespace: string, name: string): Promise<Workflow> {
      return (await custom.getNamespacedCustomObject({ ...WORKFLOW_RESOURCE, namespace, name })) as Workflow;
    },
    async list(namespace: string): Promise<readonly Workflow[]> {
      return ((await custom.listNamespacedCustomObject({ ...WORKFLOW_RESOURCE, namespace })) as { items: Workflow[] }).items;
    },
    async create(namespace: string, body: object): Promise<Workflow> {
      return (await custom.createNamespacedCustomObject({ ...WORKFLOW_RESOURCE, namespace, body })) as Workflow;
    },
    async patch(namespace: string, name: string, body: object): Promise<Workflow> {
      return (await custom.patchNamespacedCustomObject(
        { ...WORKFLOW_RESOURCE, namespace, name, body },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )) as Workflow;
    },
    async remove(namespace: string, name: string): Promise<void> {
      await custom.deleteNamespacedCustomObject({ ...WORKFLOW_RESOURCE, namespace, name });
    },
  };
}

export async function experimentOf(db: Kysely<Database>, namespace: string, name = 'baseline'): Promise<{ id: string; globalId: string }> {
  const row = await db.selectFrom('experiments').select('id').where('namespace', '=', namespace).where('name', '=', name).executeTakeFirstOrThrow();
  return { id: row.id, globalId: toGlobalId('Experiment', row.id) };
}

export async function versionOf(db: Kysely<Database>, namespace: string, pipeline: string): Promise<string> {
  const row = await db
    .selectFrom('pipeline_versions')
    .innerJoin('pipelines', 'pipelines.id', 'pipeline_versions.pipeline_id')
    .select('pipeline_versions.id as id')
    .where('pipelines.namespace', '=', namespace)
    .where('pipelines.name', '=', pipeline)
    .executeTakeFirstOrThrow();
  return toGlobalId('PipelineVersion', row.id);
}

/** Polls until `check` returns a value other than undefined/false, or fails after `ms`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const CREATE_RUN = `mutation($input: CreateRunInput!) { createRun(input: $input) { run { id name state namespace serviceAccount } } }`;
