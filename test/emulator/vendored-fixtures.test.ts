import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CRD_DIR } from '../../src/emulator/index.js';

const SHARED = fileURLToPath(new URL('../fixtures/upstream/kubernetes/', import.meta.url));
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('the CRDs and RBAC the emulator serves', () => {
  const files = [
    ...readdirSync(DEFAULT_CRD_DIR).filter((f) => f.endsWith('.yaml')),
    ...readdirSync(join(DEFAULT_CRD_DIR, 'kfp-multi-user-rbac')).map((f) => join('kfp-multi-user-rbac', f)),
  ];

  it('vendors the CRDs and every KFP multi-user RBAC file', () => {
    expect(files).toEqual(expect.arrayContaining(['argo-workflows-crd-v4.0.8.yaml', 'profile-crd.yaml', 'scheduledworkflow-crd.yaml']));
    expect(files.filter((f) => f.startsWith('kfp-multi-user-rbac'))).toHaveLength(4);
  });

  it.each(files)('%s is byte-identical to the upstream fixture', (file) => {
    expect(sha(join(DEFAULT_CRD_DIR, file))).toBe(sha(join(SHARED, file)));
  });
});
