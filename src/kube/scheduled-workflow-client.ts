import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { JsonObject } from './workflow/workflow-types.js';
import { apiStatusCode } from './kube-api-error.js';

export const SCHEDULED_WORKFLOW_RESOURCE = { group: 'kubeflow.org', version: 'v1beta1', plural: 'scheduledworkflows' } as const;

/** A KFP ScheduledWorkflow (backend/src/crd/pkg/apis/scheduledworkflow/v1beta1/types.go), as plain JSON. */
export interface ScheduledWorkflow extends JsonObject {
  readonly apiVersion: 'kubeflow.org/v1beta1';
  readonly kind: 'ScheduledWorkflow';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec: JsonObject;
  readonly status?: JsonObject;
}

export interface ScheduledWorkflowClient {
  create(namespace: string, object: ScheduledWorkflow): Promise<ScheduledWorkflow>;
  get(namespace: string, name: string): Promise<ScheduledWorkflow | null>;
  mergePatch(namespace: string, name: string, patch: object): Promise<ScheduledWorkflow>;
  delete(namespace: string, name: string): Promise<boolean>;
}

export class KubeScheduledWorkflowClient implements ScheduledWorkflowClient {
  readonly #custom: CustomObjectsApi;

  constructor(kubeConfig: KubeConfig) {
    this.#custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  async create(namespace: string, object: ScheduledWorkflow): Promise<ScheduledWorkflow> {
    return (await this.#custom.createNamespacedCustomObject({ ...SCHEDULED_WORKFLOW_RESOURCE, namespace, body: object })) as ScheduledWorkflow;
  }

  async get(namespace: string, name: string): Promise<ScheduledWorkflow | null> {
    try {
      return (await this.#custom.getNamespacedCustomObject({ ...SCHEDULED_WORKFLOW_RESOURCE, namespace, name })) as ScheduledWorkflow;
    } catch (error) {
      if (apiStatusCode(error) === 404) return null;
      throw error;
    }
  }

  async mergePatch(namespace: string, name: string, patch: object): Promise<ScheduledWorkflow> {
    return (await this.#custom.patchNamespacedCustomObject(
      { ...SCHEDULED_WORKFLOW_RESOURCE, namespace, name, body: patch },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as ScheduledWorkflow;
  }

  async delete(namespace: string, name: string): Promise<boolean> {
    try {
      await this.#custom.deleteNamespacedCustomObject({ ...SCHEDULED_WORKFLOW_RESOURCE, namespace, name });
      return true;
    } catch (error) {
      if (apiStatusCode(error) === 404) return false;
      throw error;
    }
  }
}
