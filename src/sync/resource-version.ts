/**
 * Whether `candidate` is a newer resourceVersion than `stored`. Kubernetes calls resourceVersions opaque, but
 * every API server (etcd revisions, and the emulator) issues increasing integers, and KFP's persistence agent
 * relies on the same; a non-numeric pair is treated as newer when it differs, so nothing is ever dropped.
 */
export function isNewerResourceVersion(candidate: string, stored: string | null | undefined): boolean {
  if (stored == null || stored === '') return true;
  if (/^\d+$/.test(candidate) && /^\d+$/.test(stored)) return BigInt(candidate) > BigInt(stored);
  return candidate !== stored;
}
