import { badRequest } from './status-error.js';
import type { KubeObject } from './kube-object.js';

export type ObjectPredicate = (object: KubeObject) => boolean;

/**
 * `labelSelector` in the syntax of apimachinery's labels.Parse: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a` (exists), `!a` (does not exist), comma-separated and all required.
 */
export function parseLabelSelector(text: string | null): ObjectPredicate {
  if (text === null || text.trim() === '') return () => true;
  const checks = splitTopLevel(text).map(parseRequirement);
  return (object) => {
    const labels = object.metadata.labels ?? {};
    return checks.every((check) => check(labels));
  };
}

type LabelCheck = (labels: Readonly<Record<string, string>>) => boolean;

function parseRequirement(raw: string): LabelCheck {
  const req = raw.trim();
  const setMatch = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(req);
  if (setMatch) {
    const [, key = '', op, list = ''] = setMatch;
    const values = list
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    return op === 'in'
      ? (labels) => labels[key] !== undefined && values.includes(labels[key] ?? '')
      : (labels) => labels[key] === undefined || !values.includes(labels[key] ?? '');
  }
  const eqMatch = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=()]*)$/.exec(req);
  if (eqMatch) {
    const [, key = '', op, value = ''] = eqMatch;
    return op === '!=' ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  const notExists = /^!\s*([^\s!=()]+)$/.exec(req);
  if (notExists) {
    const key = notExists[1] ?? '';
    return (labels) => labels[key] === undefined;
  }
  if (/^[^\s!=(),]+$/.test(req)) return (labels) => labels[req] !== undefined;
  throw badRequest(`unable to parse requirement: ${JSON.stringify(req)}`);
}

/** Split on commas that are not inside `( … )`. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out.filter((s) => s.trim() !== '');
}

/**
 * `fieldSelector` on the two fields every resource supports, `metadata.name` and `metadata.namespace`
 * (`=`, `==`, `!=`). Other fields are resource-specific in Kubernetes and rejected here as it rejects
 * unknown ones.
 */
export function parseFieldSelector(text: string | null): ObjectPredicate {
  if (text === null || text.trim() === '') return () => true;
  const checks = text
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((raw): ObjectPredicate => {
      const match = /^\s*([^\s!=]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
      if (!match) throw badRequest(`invalid selector: '${text}'; can't understand '${raw}'`);
      const [, field = '', op, value = ''] = match;
      const read =
        field === 'metadata.name'
          ? (o: KubeObject) => o.metadata.name ?? ''
          : field === 'metadata.namespace'
            ? (o: KubeObject) => o.metadata.namespace ?? ''
            : undefined;
      if (!read) throw badRequest(`field label not supported: ${field}`);
      return op === '!=' ? (o) => read(o) !== value : (o) => read(o) === value;
    });
  return (object) => checks.every((check) => check(object));
}
