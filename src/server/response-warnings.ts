/** A non-fatal problem a resolver met while still answering (a stale snapshot instead of the live status). */
export interface ResponseWarning {
  readonly message: string;
  readonly code: 'UNAVAILABLE';
  readonly path: readonly (string | number)[];
}
