import { randomUUID } from 'node:crypto';
import type { ValidationCause } from '../kube/crd-schema/index.js';
import type { KubeObject } from './kube-object.js';
import type { ResourceType } from './resource-types.js';

/** apimachinery's SimpleNameGenerator alphabet: no vowels, no ambiguous characters. */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  return `${prefix}${suffix}`;
}

/** RFC 3339 in seconds, as metav1.Time serialises. */
export function kubeTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Stamp what the registry's BeforeCreate sets: uid, creationTimestamp, generation; drop what clients may not set. */
export function stampForCreate(object: KubeObject, type: ResourceType, now: number): void {
  const meta = object.metadata;
  meta.uid = randomUUID();
  meta.creationTimestamp = kubeTimestamp(now);
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.managedFields;
  if (type.schema) meta.generation = 1;
  else delete meta.generation;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * ObjectMeta name validation: namespaces are DNS-1123 labels, RBAC objects only need to be valid path segments
 * (`system:basic-user`), everything else a DNS-1123 subdomain.
 */
export function validateName(name: string | undefined, type: ResourceType): ValidationCause[] {
  if (!name) {
    return [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }];
  }
  const rbac = type.group === 'rbac.authorization.k8s.io';
  const ok = rbac
    ? !['.', '..'].includes(name) && !/[/%]/.test(name)
    : type.plural === 'namespaces'
      ? DNS_LABEL.test(name) && name.length <= 63
      : DNS_SUBDOMAIN.test(name) && name.length <= 253;
  if (ok) return [];
  return [
    {
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 ${type.plural === 'namespaces' ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    },
  ];
}

/** Everything but metadata (and status when it is a subresource): what a generation bump is measured on. */
export function generationContent(object: KubeObject, statusSubresource: boolean): string {
  const { metadata: _metadata, status, ...rest } = object;
  return JSON.stringify(statusSubresource ? rest : { ...rest, status });
}
