import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { Workflow } from './workflow/workflow-types.js';
import { abortOptions } from './abort-options.js';
import { apiStatusCode } from './kube-api-error.js';

export const WORKFLOW_RESOURCE = { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows' } as const;

export interface WorkflowList {
  readonly items: readonly Workflow[];
  readonly resourceVersion: string;
}

/**
 * The Argo Workflow operations kfp-graph needs, as kfp-graph's own service account (deploy/base/rbac.yaml).
 * An interface so that tests can make the cluster refuse; `KubeWorkflowClient` is the one implementation.
 */
export interface WorkflowClient {
  /** `signal` aborts the request (a bounded create: its outcome is then unknown to the caller). */
  create(namespace: string, workflow: Workflow, signal?: AbortSignal): Promise<Workflow>;
  /** Null when the workflow does not exist (garbage-collected or never created). */
  get(namespace: string, name: string, signal?: AbortSignal): Promise<Workflow | null>;
  /** The namespace's workflows, restricted by a label selector when one is given. */
  list(namespace: string, labelSelector?: string): Promise<readonly Workflow[]>;
  /** Every workflow of the cluster (the sync controller's relist), or those matching a label selector. */
  listAll(labelSelector?: string): Promise<WorkflowList>;
  mergePatch(namespace: string, name: string, patch: object): Promise<Workflow>;
  /** A full update; a stale `metadata.resourceVersion` is a 409 Conflict. */
  replace(namespace: string, name: string, workflow: Workflow): Promise<Workflow>;
  /** False when it was already gone; `signal` aborts the request. */
  delete(namespace: string, name: string, signal?: AbortSignal): Promise<boolean>;
  /** Deletes a pod; false when it was already gone (Argo's retry deletes the failed nodes' pods). */
  deletePod(namespace: string, name: string): Promise<boolean>;
}

export class KubeWorkflowClient implements WorkflowClient {
  readonly #custom: CustomObjectsApi;
  readonly #core: CoreV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.#custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.#core = kubeConfig.makeApiClient(CoreV1Api);
  }

  async create(namespace: string, workflow: Workflow, signal?: AbortSignal): Promise<Workflow> {
    const request = { ...WORKFLOW_RESOURCE, namespace, body: workflow };
    return (await (signal
      ? this.#custom.createNamespacedCustomObject(request, abortOptions(signal))
      : this.#custom.createNamespacedCustomObject(request))) as Workflow;
  }

  async get(namespace: string, name: string, signal?: AbortSignal): Promise<Workflow | null> {
    const request = { ...WORKFLOW_RESOURCE, namespace, name };
    try {
      return (await (signal
        ? this.#custom.getNamespacedCustomObject(request, abortOptions(signal))
        : this.#custom.getNamespacedCustomObject(request))) as Workflow;
    } catch (error) {
      if (apiStatusCode(error) === 404) return null;
      throw error;
    }
  }

  async list(namespace: string, labelSelector?: string): Promise<readonly Workflow[]> {
    const list = (await this.#custom.listNamespacedCustomObject({ ...WORKFLOW_RESOURCE, namespace, ...(labelSelector ? { labelSelector } : {}) })) as {
      items?: Workflow[];
    };
    return list.items ?? [];
  }

  async listAll(labelSelector?: string): Promise<WorkflowList> {
    const list = (await this.#custom.listClusterCustomObject({ ...WORKFLOW_RESOURCE, ...(labelSelector ? { labelSelector } : {}) })) as {
      items?: Workflow[];
      metadata?: { resourceVersion?: string };
    };
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  async mergePatch(namespace: string, name: string, patch: object): Promise<Workflow> {
    return (await this.#custom.patchNamespacedCustomObject(
      { ...WORKFLOW_RESOURCE, namespace, name, body: patch },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Workflow;
  }

  async replace(namespace: string, name: string, workflow: Workflow): Promise<Workflow> {
    return (await this.#custom.replaceNamespacedCustomObject({ ...WORKFLOW_RESOURCE, namespace, name, body: workflow })) as Workflow;
  }

  async delete(namespace: string, name: string, signal?: AbortSignal): Promise<boolean> {
    const request = { ...WORKFLOW_RESOURCE, namespace, name };
    try {
      await (signal ? this.#custom.deleteNamespacedCustomObject(request, abortOptions(signal)) : this.#custom.deleteNamespacedCustomObject(request));
      return true;
    } catch (error) {
      if (apiStatusCode(error) === 404) return false;
      throw error;
    }
  }

  async deletePod(namespace: string, name: string): Promise<boolean> {
    try {
      await this.#core.deleteNamespacedPod({ namespace, name });
      return true;
    } catch (error) {
      if (apiStatusCode(error) === 404) return false;
      throw error;
    }
  }
}
