import type { AccessRequest } from './access-request.js';

const READ_VERBS = new Set(['get', 'list']);

/**
 * Shared pipelines (namespace '') follow KFP 2.17: any authenticated caller reads them; writing, or promoting a
 * pipeline to shared, needs the verb on pipelines in the control-plane namespace. Returns 'allow', 'deny', the
 * request to ask instead, or undefined when the request is not about a shared pipeline.
 */
export function sharedPipelineRequest(request: AccessRequest, controlPlaneNamespace: string): 'allow' | 'deny' | AccessRequest | undefined {
  if (request.namespace !== '') return undefined;
  if (request.resource !== 'pipelines') {
    // Nothing else lives outside a namespace; asking Kubernetes with '' would mean "in all namespaces".
    return 'deny';
  }
  if (READ_VERBS.has(request.verb)) return 'allow';
  return { namespace: controlPlaneNamespace, resource: 'pipelines', verb: request.verb };
}
