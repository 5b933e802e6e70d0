import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readYamlDocuments } from './demo-seed.js';

const KIND_ORDER = ['CustomResourceDefinition', 'Namespace', 'ClusterRole', 'Role', 'ServiceAccount'];

/**
 * Every YAML document of every `.yaml`/`.yml`/`.json` file in a directory (files in name order), as a seed
 * for `startEmulator({ seed })` (`npm start -- --seed DIR`). Like `kubectl apply -f DIR`, but ordered so
 * that CRDs, namespaces, roles and service accounts exist before what refers to them.
 */
export function loadSeedDirectory(dir: string): Record<string, unknown>[] {
  const docs = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .flatMap((f) => readYamlDocuments(join(dir, f)))
    .flatMap((d) => (d.kind === 'List' && Array.isArray(d.items) ? (d.items as Record<string, unknown>[]) : [d]));
  const rank = (d: Record<string, unknown>): number => {
    const i = KIND_ORDER.indexOf(String(d.kind));
    return i === -1 ? KIND_ORDER.length : i;
  };
  return docs
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i)
    .map(({ d }) => d);
}
