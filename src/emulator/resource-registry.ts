import type { CrdDefinition } from '../kube/crd-schema/index.js';
import { BUILTIN_TYPES, crdResourceTypes, KFP_AUTHORIZATION_TYPES, type ResourceType } from './resource-types.js';

/**
 * The resources the emulator serves, by group/version/plural, and the discovery documents derived from them.
 * CRDs can be added at start-up or later (creating a CustomResourceDefinition through the API).
 */
export class ResourceRegistry {
  readonly #types = new Map<string, ResourceType>();
  readonly #crdTypes = new Map<string, readonly ResourceType[]>();

  constructor(crds: readonly CrdDefinition[] = [], authorizationTypes: readonly ResourceType[] = KFP_AUTHORIZATION_TYPES) {
    for (const type of [...BUILTIN_TYPES, ...authorizationTypes]) this.#add(type);
    for (const crd of crds) this.addCrd(crd);
  }

  addCrd(crd: CrdDefinition): void {
    this.removeCrd(crd.name);
    const types = crdResourceTypes(crd);
    this.#crdTypes.set(crd.name, types);
    for (const type of types) this.#add(type);
  }

  removeCrd(name: string): void {
    for (const type of this.#crdTypes.get(name) ?? []) this.#types.delete(key(type.group, type.version, type.plural));
    this.#crdTypes.delete(name);
  }

  #add(type: ResourceType): void {
    this.#types.set(key(type.group, type.version, type.plural), type);
  }

  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.#types.get(key(group, version, plural));
  }

  /** The stored version used when the emulator itself writes (seeding): the first served one. */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    return [...this.#types.values()].find((t) => t.group === group && t.version === version && t.kind === kind);
  }

  all(): readonly ResourceType[] {
    return [...this.#types.values()];
  }

  /** Group → its versions, in the order discovery lists them (first = preferred). */
  groups(): ReadonlyMap<string, readonly string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.#types.values()) {
      const versions = out.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      out.set(t.group, versions);
    }
    return out;
  }

  inGroupVersion(group: string, version: string): readonly ResourceType[] {
    return [...this.#types.values()].filter((t) => t.group === group && t.version === version);
  }
}

function key(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}
