import { validateObject, type ValidationCause } from '../kube/crd-schema/index.js';
import { applyBuiltinDefaults } from './builtin-defaults.js';
import type { EmulatorCluster } from './emulator-cluster.js';
import { asKubeObject, clone, type KubeObject } from './kube-object.js';
import { generateName, generationContent, stampForCreate, validateName } from './object-metadata.js';
import { applyPatch } from './object-patch.js';
import { apiVersionOf, type ResourceType } from './resource-types.js';
import { alreadyExists, badRequest, conflict, invalid, notFound, ApiError } from './status-error.js';

/**
 * The write path of kube-apiserver's generic registry (create, update, patch, delete) for one resource type:
 * name generation, namespace existence, optimistic concurrency on resourceVersion, CRD schema pruning and
 * validation, the status subresource split and generation bumps. Authorization happens before, in the router.
 */
export class ObjectWriter {
  constructor(readonly cluster: EmulatorCluster) {}

  create(type: ResourceType, namespace: string, body: unknown): KubeObject {
    const object = this.#decode(type, namespace, body);
    if (!object.metadata.name && object.metadata.generateName) {
      object.metadata.name = generateName(object.metadata.generateName);
    }
    this.#requireNamespace(type, namespace);
    if (this.#current(type, namespace, object.metadata.name ?? '')) {
      throw alreadyExists(type.plural, type.group, object.metadata.name ?? '');
    }
    stampForCreate(object, type, this.cluster.now());
    // With the status subresource, create ignores status (customResourceStrategy.PrepareForCreate).
    if (type.statusSubresource) delete object.status;
    applyBuiltinDefaults(object, type);
    const checked = this.#validate(type, object, validateName(object.metadata.name, type));
    return this.#present(type, this.cluster.store.put(type.storageKey, checked));
  }

  update(type: ResourceType, namespace: string, name: string, body: unknown, subresource = ''): KubeObject {
    const incoming = this.#decode(type, namespace, body);
    if (incoming.metadata.name !== undefined && incoming.metadata.name !== name) {
      throw badRequest(`the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`);
    }
    incoming.metadata.name = name;
    const current = this.#current(type, namespace, name);
    if (!current) throw notFound(type.plural, type.group, name);
    const rv = incoming.metadata.resourceVersion;
    if (rv === undefined || rv === '') {
      if (type.requireResourceVersionOnUpdate) {
        throw invalid(type.kind, type.group, name, [
          {
            reason: 'FieldValueInvalid',
            field: 'metadata.resourceVersion',
            message: 'Invalid value: 0x0: must be specified for an update',
          },
        ]);
      }
    } else if (rv !== current.metadata.resourceVersion) {
      throw conflict(type.plural, type.group, name);
    }
    return this.#replace(type, current, incoming, subresource);
  }

  patch(type: ResourceType, namespace: string, name: string, patch: unknown, contentType: string, subresource = ''): KubeObject {
    const current = this.#current(type, namespace, name);
    if (!current) throw notFound(type.plural, type.group, name);
    const patched = asKubeObject(applyPatch(this.#present(type, current), patch, contentType));
    if (!patched) throw badRequest('the patch result is not an object');
    const rv = patched.metadata.resourceVersion;
    if (rv !== undefined && rv !== current.metadata.resourceVersion) throw conflict(type.plural, type.group, name);
    patched.metadata.name = name;
    if (type.namespaced) patched.metadata.namespace = namespace;
    return this.#replace(type, current, patched, subresource);
  }

  delete(type: ResourceType, namespace: string, name: string, preconditions?: { resourceVersion?: string; uid?: string }): KubeObject {
    const current = this.#current(type, namespace, name);
    if (!current) throw notFound(type.plural, type.group, name);
    if (
      (preconditions?.resourceVersion && preconditions.resourceVersion !== current.metadata.resourceVersion) ||
      (preconditions?.uid && preconditions.uid !== current.metadata.uid)
    ) {
      throw conflict(type.plural, type.group, name);
    }
    if (type.plural === 'namespaces' && type.group === '') this.#emptyNamespace(name);
    const removed = this.cluster.store.delete(type.storageKey, namespace, name);
    return this.#present(type, removed ?? current);
  }

  /** Whole-object write shared by update and patch; a write that changes nothing keeps the resourceVersion. */
  #replace(type: ResourceType, current: KubeObject, incoming: KubeObject, subresource: string): KubeObject {
    let next: KubeObject;
    if (subresource === 'status') {
      next = { ...clone(current), status: incoming.status };
    } else {
      next = { ...incoming, metadata: { ...incoming.metadata } };
      // Immutable metadata is carried over whatever the client sent.
      for (const key of ['uid', 'creationTimestamp', 'generation', 'deletionTimestamp'] as const) {
        if (current.metadata[key] === undefined) delete next.metadata[key];
        else (next.metadata as Record<string, unknown>)[key] = current.metadata[key];
      }
      if (type.statusSubresource) {
        if (current.status === undefined) delete next.status;
        else next.status = clone(current.status);
      }
      if (type.plural === 'namespaces' && type.group === '') next.status = clone(current.status);
    }
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    const checked = this.#validate(type, next, []);
    if (type.schema && generationContent(checked, type.statusSubresource) !== generationContent(current, type.statusSubresource)) {
      checked.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    checked.apiVersion = current.apiVersion;
    if (JSON.stringify(checked) === JSON.stringify(current)) return this.#present(type, current);
    return this.#present(type, this.cluster.store.put(type.storageKey, checked));
  }

  #decode(type: ResourceType, namespace: string, body: unknown): KubeObject {
    const object = asKubeObject(body);
    if (!object) throw badRequest('the body of the request must be a JSON object');
    const apiVersion = apiVersionOf(type);
    if (object.kind !== undefined && object.kind !== type.kind) {
      throw badRequest(`the kind of the object (${String(object.kind)}) does not match the resource (${type.kind})`);
    }
    object.apiVersion = apiVersion;
    object.kind = type.kind;
    if (type.namespaced) {
      if (object.metadata.namespace && object.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      object.metadata.namespace = namespace;
    } else {
      delete object.metadata.namespace;
    }
    return object;
  }

  #validate(type: ResourceType, object: KubeObject, extra: readonly ValidationCause[]): KubeObject {
    const causes = [...extra];
    let result = object;
    if (type.schema) {
      const checked = validateObject(type.schema, object);
      causes.push(...checked.causes);
      result = asKubeObject(checked.object) ?? object;
    }
    if (causes.length > 0) throw invalid(type.kind, type.group, object.metadata.name ?? '', causes);
    return result;
  }

  #current(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    return this.cluster.store.get(type.storageKey, type.namespaced ? namespace : '', name);
  }

  /** Namespaced objects need their namespace, as kube-apiserver's NamespaceLifecycle admission requires. */
  #requireNamespace(type: ResourceType, namespace: string): void {
    if (!type.namespaced) return;
    if (!namespace) throw badRequest('the server could not find the requested resource: namespace is required');
    if (!this.cluster.store.get('/namespaces', '', namespace)) {
      throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
    }
  }

  /** The namespace controller's job, done at once: every namespaced object in it goes with it. */
  #emptyNamespace(namespace: string): void {
    const keys = new Set(
      this.cluster.registry
        .all()
        .filter((t) => t.namespaced && t.behaviour === 'stored')
        .map((t) => t.storageKey),
    );
    for (const key of keys) {
      for (const obj of this.cluster.store.list(key, namespace)) {
        this.cluster.store.delete(key, namespace, obj.metadata.name ?? '');
      }
    }
  }

  /** Objects are served in the version that was asked for (CRD versions share storage, conversion None). */
  #present(type: ResourceType, object: KubeObject): KubeObject {
    return { ...object, apiVersion: apiVersionOf(type) };
  }
}
