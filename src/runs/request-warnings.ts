/** A non-fatal problem a resolver met while still answering (a stale snapshot instead of the live status). */
export interface ResponseWarning {
  readonly message: string;
  readonly code: 'UNAVAILABLE';
  readonly path: readonly (string | number)[];
}

const warnings = new WeakMap<object, ResponseWarning[]>();

/**
 * Per-request warnings, keyed by the request's context object (so nothing outlives the request). The server's
 * warnings plugin appends them to the response's `errors` next to the data they qualify.
 */
export function addWarning(context: object, warning: ResponseWarning): void {
  const list = warnings.get(context);
  if (list) list.push(warning);
  else warnings.set(context, [warning]);
}

export function takeWarnings(context: object): readonly ResponseWarning[] {
  const list = warnings.get(context) ?? [];
  warnings.delete(context);
  return list;
}
