import { isAlias, isMap, isNode, isPair, isScalar, isSeq, parseAllDocuments, visit } from 'yaml';
import type { Document } from 'yaml';
import { InvalidInputError } from '../../errors/domain-errors.js';
import { pathDeeperThan } from '../../validation/nesting-depth.js';
import { childPath } from './spec-path.js';

/**
 * Deepest nesting of objects and arrays a spec or manifest may have. The KFP and Argo fixtures nest about 15
 * deep; every walk over a spec (admission, canonical JSON, the CRD schema check) recurses, so an input nested
 * 100,000 deep would overflow the stack (an INTERNAL error) instead of being refused.
 */
export const MAX_DOCUMENT_DEPTH = 100;

/**
 * Parses YAML (or JSON, which is YAML) exactly when every reader in the chain reads it the same way, and refuses
 * it otherwise. Kubernetes' readers (kubectl, sigs.k8s.io/yaml in KFP's apiserver and Argo's resource step) use
 * go-yaml's YAML 1.1 rules: `privileged: yes` is `true` and `0644` is octal there, but a string and a decimal
 * to a YAML 1.2 reader. So each text is parsed with both rule sets and refused when the results differ; and the
 * features whose meaning varies between readers are refused outright: anchors and aliases, merge keys (`<<`),
 * explicit tags, duplicate keys (go-yaml v2 keeps the last, others the first or fail).
 *
 * `what` names the input in messages (`pipeline spec`, `…resource.manifest`); `path` prefixes reported paths.
 */
export function parseUnambiguousYaml(text: string, what: string, path = ''): readonly unknown[] {
  const strict = parseAllDocuments(text, { version: '1.2', uniqueKeys: true, prettyErrors: false });
  const legacy = parseAllDocuments(text, { version: '1.1', uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(strict) || !Array.isArray(legacy)) return [];
  const results: unknown[] = [];
  strict.forEach((document, index) => {
    const [error] = document.errors;
    if (error !== undefined) {
      const reason = error.code === 'DUPLICATE_KEY' ? 'a mapping has a duplicate key' : error.message.split('\n')[0];
      throw new InvalidInputError(`${what} is not valid YAML or JSON: ${reason}`, path);
    }
    refuseReaderDependentFeatures(document, what, path);
    const value = toPlain(document, what, path);
    const other = legacy[index];
    const legacyValue = other === undefined || other.errors.length > 0 ? undefined : toPlain(other, what, path);
    const difference = firstDifference(value, legacyValue, path);
    if (difference !== undefined) {
      throw new InvalidInputError(
        `${what} reads differently under YAML 1.1 (Kubernetes, kubectl, Argo) and YAML 1.2 at ${difference || 'its root'}: ` +
          'quote the value (e.g. "yes", "0644") or write it unambiguously (true, 420)',
        difference,
      );
    }
    const tooDeep = pathDeeperThan(value, MAX_DOCUMENT_DEPTH, path);
    if (tooDeep !== undefined) {
      throw new InvalidInputError(`${what} is nested more than ${MAX_DOCUMENT_DEPTH} levels deep`, tooDeep.slice(0, 200));
    }
    results.push(value);
  });
  return results;
}

function refuseReaderDependentFeatures(document: Document.Parsed, what: string, path: string): void {
  let found: string | undefined;
  visit(document, (key, node) => {
    if (isAlias(node)) found = 'an alias (*name)';
    else if (isNode(node) && node.anchor !== undefined) found = `an anchor (&${node.anchor})`;
    else if (isNode(node) && node.tag !== undefined && explicitTag(node)) found = `an explicit tag (${node.tag})`;
    else if (isPair(node) && isScalar(node.key) && node.key.value === '<<') found = 'a merge key (<<)';
    if (key === 'key' && (isMap(node) || isSeq(node))) found = 'a collection used as a key';
    return found === undefined ? undefined : visit.BREAK;
  });
  if (found !== undefined) {
    throw new InvalidInputError(`${what} uses ${found}; readers of YAML disagree on those, write the value out`, path);
  }
}

/** The parser records a tag only when the text wrote one (`!!str x`, `!foo`); resolved plain scalars have none. */
function explicitTag(node: { readonly tag?: string | undefined; readonly srcToken?: unknown }): boolean {
  const token = node.srcToken as { readonly props?: readonly { readonly type?: string }[] } | undefined;
  return token?.props?.some((prop) => prop.type === 'tag') ?? true;
}

function toPlain(document: Document.Parsed, what: string, path: string): unknown {
  try {
    // No aliases are left (refused above); the cap is a second guard against expansion bombs.
    return document.toJS({ maxAliasCount: 0 }) as unknown;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new InvalidInputError(`${what} is not valid YAML or JSON: ${reason.slice(0, 200)}`, path);
  }
}

/** The first path at which two parsed values differ (type or value), or undefined when equal. Iterative. */
function firstDifference(a: unknown, b: unknown, root: string): string | undefined {
  const stack: [unknown, unknown, string][] = [[a, b, root]];
  while (stack.length > 0) {
    const [left, right, at] = stack.pop() as [unknown, unknown, string];
    if (Array.isArray(left) || Array.isArray(right)) {
      if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return at;
      for (let i = left.length - 1; i >= 0; i -= 1) stack.push([left[i], right[i], childPath(at, i)]);
    } else if (isRecord(left) || isRecord(right)) {
      if (!isRecord(left) || !isRecord(right)) return at;
      const keys = Object.keys(left);
      if (keys.length !== Object.keys(right).length) return at;
      for (const key of keys.reverse()) {
        if (!Object.hasOwn(right, key)) return childPath(at, key);
        stack.push([left[key], right[key], childPath(at, key)]);
      }
    } else if (!Object.is(left, right)) {
      return at;
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  // A Date (YAML 1.1 timestamps) is an object but not a record: compared by identity it always differs.
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
