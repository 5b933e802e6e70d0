import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('housekeeping', () => {
  it('LICENSE is the full Apache License 2.0 that package.json declares', () => {
    expect((JSON.parse(read('package.json')) as { license: string }).license).toBe('Apache-2.0');
    const text = read('LICENSE');
    expect(text).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004\s+http:\/\/www\.apache\.org\/licenses\//);
    for (let section = 1; section <= 9; section += 1) expect(text).toMatch(new RegExp(`\\n\\s+${section}\\. [A-Z]`));
    expect(text).toContain('END OF TERMS AND CONDITIONS');
    expect(text).toContain('APPENDIX: How to apply the Apache License to your work.');
  });

  it('the README and docs refer only to files that are in the repository', () => {
    const documents = [
      'README.md',
      ...readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    const missing: string[] = [];
    for (const document of documents) {
      const text = read(document);
      const links = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1] as string).filter((target) => !/^[a-z]+:/.test(target));
      for (const link of links) if (!existsSync(join(ROOT, dirname(document), link))) missing.push(`${document}: ${link}`);
      const paths = [...text.matchAll(/`((?:\.ci|bench|deploy|docs|migrations|resolvers|schema|scripts|src|test)\/[\w./-]*)`/g)].map((m) => m[1] as string);
      for (const path of paths) if (!path.includes('*') && !existsSync(join(ROOT, path))) missing.push(`${document}: ${path}`);
      // DESIGN.md was renamed docs/design.md; on a case-sensitive file system the old name is a dead reference.
      if (/\bDESIGN\.md\b/.test(text)) missing.push(`${document}: DESIGN.md`);
    }
    expect(missing).toEqual([]);
  });
});
