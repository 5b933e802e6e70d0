import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UPSTREAM_FIXTURES } from '../support/upstream-fixtures.js';
import { parsePipelineSpec } from '../../src/kube/workflow/pipeline-spec.js';
import type { Workflow } from '../../src/kube/workflow/workflow-types.js';

export const FIXTURES = UPSTREAM_FIXTURES;
export const MAX_BYTES = 1 << 20;

export function fixtureText(relative: string): string {
  return readFileSync(join(FIXTURES, relative), 'utf8');
}

export function fixtureFiles(folder: 'argo' | 'kfp'): readonly string[] {
  return readdirSync(join(FIXTURES, folder))
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => `${folder}/${name}`);
}

export function loadFixture(relative: string): Workflow {
  return parsePipelineSpec(fixtureText(relative), MAX_BYTES).manifest;
}

/** Runs `fn` and returns what it threw; fails the test if it did not throw. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, nothing was thrown');
}
