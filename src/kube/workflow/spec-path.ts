/**
 * Paths into a manifest as error messages print them: `spec.templates[2].container.securityContext.privileged`.
 * Keys that are not plain identifiers (labels like `pipelines.kubeflow.org/run_name`) are quoted.
 */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : null;
  if (safe === null) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? safe : `${parent}.${safe}`;
}
