import { badRequest, ApiError } from './status-error.js';
import { clone, isRecord } from './kube-object.js';

/**
 * Apply a PATCH body by its Content-Type, as kube-apiserver's patch handler does:
 * - `application/merge-patch+json`: RFC 7386 (null deletes, objects merge, everything else replaces);
 * - `application/strategic-merge-patch+json`: treated as a merge patch. For the fields kfp-graph and kubectl
 *   send (maps, labels, annotations, whole lists) the result is the same; list merge keys and `$patch`
 *   directives are not implemented;
 * - `application/json-patch+json`: RFC 6902.
 * Server-side apply (`application/apply-patch+yaml`) is answered 415.
 */
export function applyPatch(target: unknown, patch: unknown, contentType: string): unknown {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  switch (type) {
    case 'application/merge-patch+json':
    case 'application/strategic-merge-patch+json':
      return mergePatch(target, patch);
    case 'application/json-patch+json':
      if (!Array.isArray(patch)) throw badRequest('json patch must be an array of operations');
      return jsonPatch(target, patch);
    default:
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
      );
  }
}

/** RFC 7386. Also removes strategic-merge `$`-directives it does not understand rather than storing them. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  const out: Record<string, unknown> = isRecord(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** RFC 6902: add, remove, replace, move, copy, test, on JSON Pointer paths (RFC 6901). */
export function jsonPatch(target: unknown, operations: readonly unknown[]): unknown {
  let doc = clone(target);
  for (const raw of operations) {
    if (!isRecord(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest('json patch operation needs "op" and "path"');
    }
    const { op, path } = raw;
    switch (op) {
      case 'add':
        doc = setAt(doc, pointer(path), clone(raw.value), 'add');
        break;
      case 'replace':
        getAt(doc, pointer(path));
        doc = setAt(doc, pointer(path), clone(raw.value), 'replace');
        break;
      case 'remove':
        getAt(doc, pointer(path));
        doc = removeAt(doc, pointer(path));
        break;
      case 'move':
      case 'copy': {
        const from = pointer(String(raw.from ?? ''));
        const value = clone(getAt(doc, from));
        if (op === 'move') doc = removeAt(doc, from);
        doc = setAt(doc, pointer(path), value, 'add');
        break;
      }
      case 'test':
        if (JSON.stringify(getAt(doc, pointer(path))) !== JSON.stringify(raw.value)) {
          throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value ${path} failed`);
        }
        break;
      default:
        throw badRequest(`Unexpected kind: ${op}`);
    }
  }
  return doc;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: unknown, tokens: readonly string[]): unknown {
  let node = doc;
  for (const token of tokens) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isRecord(node) && Object.hasOwn(node, token)) node = node[token];
    else node = undefined;
    if (node === undefined) throw missing(tokens);
  }
  return node;
}

function setAt(doc: unknown, tokens: readonly string[], value: unknown, mode: 'add' | 'replace'): unknown {
  if (tokens.length === 0) return value;
  const parent = getAt(doc, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw missing(tokens);
    if (mode === 'add') parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isRecord(parent)) {
    parent[last] = value;
  } else {
    throw missing(tokens);
  }
  return doc;
}

function removeAt(doc: unknown, tokens: readonly string[]): unknown {
  const parent = getAt(doc, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isRecord(parent)) delete parent[last];
  return doc;
}

function missing(tokens: readonly string[]): ApiError {
  return new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: doc is missing path: "/${tokens.join('/')}"`);
}
