import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run build [-- --out-dir DIR]`: plain JavaScript for production (`node dist/src/main.js`), so a pod with
 * `readOnlyRootFilesystem: true` never needs tsx, whose loader writes its compile cache under TMPDIR.
 * tsc (not esbuild) because only tsc emits the decorator metadata type-graphql reads. The files the server reads
 * at run time through `new URL('../../deploy/…', import.meta.url)` are copied to the same relative place.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNTIME_FILES: readonly string[] = ['deploy/base/rbac.yaml', 'deploy/emulator'];

function outDirFromArgv(argv: readonly string[]): string {
  const index = argv.indexOf('--out-dir');
  if (index === -1) return join(root, 'dist');
  const dir = argv[index + 1];
  if (dir === undefined || dir.startsWith('--')) throw new Error('--out-dir: needs a directory');
  return resolve(dir);
}

const outDir = outDirFromArgv(process.argv.slice(2));
rmSync(outDir, { recursive: true, force: true });
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
for (const file of RUNTIME_FILES) cpSync(join(root, file), join(outDir, file), { recursive: true });
process.stdout.write(`built ${outDir}\n`);
