import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { generate } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');
const COMMITTED = 'test/generated/';

/**
 * `npm run codegen` is checked for drift like the schema: codegen.yml is run again, into a temporary folder,
 * and every file must equal the committed one (run `npm run schema && npm run codegen` after changing the
 * resolvers or schema/operations).
 */
describe('codegen drift', () => {
  const out = mkdtempSync(join(tmpdir(), 'kfp-graph-codegen-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('the committed typed documents are what codegen.yml generates', async () => {
    const config = parseYaml(readFileSync(join(ROOT, 'codegen.yml'), 'utf8')) as Types.Config;
    const target = config.generates[COMMITTED];
    expect(target, `codegen.yml must generate ${COMMITTED}`).toBeDefined();
    const outputs: readonly Types.FileOutput[] = await generate(
      { ...config, cwd: ROOT, silent: true, generates: { [`${out}/`]: target as Types.ConfiguredOutput } },
      true,
    );
    const generated = new Map(outputs.map((o) => [basename(o.filename), readFileSync(o.filename, 'utf8')]));
    const committed = readdirSync(join(ROOT, COMMITTED))
      .filter((f) => f.endsWith('.ts') || f.endsWith('.json'))
      .sort();
    expect([...generated.keys()].sort()).toEqual(committed);
    for (const file of committed) {
      expect(readFileSync(join(ROOT, COMMITTED, file), 'utf8'), `${COMMITTED}${file} is stale: run npm run codegen`).toBe(generated.get(file));
    }
  });
});
