import type { NodeStatus, Workflow } from './workflow-types.js';

/** Argo's annotation recording which pod naming scheme the controller used (`POD_NAMES`). */
export const ANNOTATION_POD_NAME_FORMAT = 'workflows.argoproj.io/pod-name-format';

/** `maxK8sResourceNameLength - k8sNamingHashLength - 1` in Argo's workflow/util/pod_name.go. */
const MAX_POD_NAME_PREFIX = 253 - 10 - 1;

/**
 * The name of the pod Argo created for a node, as Argo's `GeneratePodName` computes it (workflow/util):
 * v1 names the pod after the node ID; v2 (the default since Argo v3.4, and what KFP's Argo uses) names it
 * `<workflow>-<template>-<fnv32a(node name)>`. The hash is the same FNV-1a Argo uses for node IDs
 * (`<workflow>-<fnv32a(node name)>`), so it equals the numeric suffix of the node ID.
 */
export function podNameForNode(workflow: Pick<Workflow, 'metadata'>, node: Pick<NodeStatus, 'id' | 'name' | 'templateName' | 'templateRef'>): string {
  const workflowName = workflow.metadata.name ?? '';
  if (workflow.metadata.annotations?.[ANNOTATION_POD_NAME_FORMAT] === 'v1') return node.id;
  if (node.name === workflowName) return workflowName;
  // GetTemplateFromNode: a templateRef's template wins over templateName.
  const templateName = node.templateRef?.template ?? node.templateName ?? '';
  const prefix = (templateName === '' ? workflowName : `${workflowName}-${templateName}`).slice(0, MAX_POD_NAME_PREFIX);
  return `${prefix}-${fnv32a(node.name)}`;
}

/** 32-bit FNV-1a over the UTF-8 bytes, as Go's hash/fnv `New32a`. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
