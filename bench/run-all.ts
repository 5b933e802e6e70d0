/**
 * `npm run bench`: every benchmark in this folder, one after another, each in its own process (so one's heap,
 * connections and JIT state never colour the next).
 *
 *   npm run bench                 each benchmark at its own default size (dashboard: 100,000 runs)
 *   BENCH_N=10000 npm run bench   a smaller N for the benchmarks that take one
 *   npm run bench -- 10000        the same, as an argument
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const TSX = join(HERE, '..', 'node_modules', '.bin', 'tsx');
/** In order; those not present yet are skipped. Only the ones listed with `sized` take N. */
const BENCHES: readonly { readonly file: string; readonly sized: boolean }[] = [
  { file: 'dashboard.ts', sized: true },
  { file: 'namespaces.ts', sized: false },
  { file: 'lineage.ts', sized: true },
  { file: 'sync-throughput.ts', sized: true },
  { file: 'kfp-dashboard.ts', sized: true },
];

function run(file: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join(HERE, file), ...args], { stdio: 'inherit', env: process.env });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function main(): Promise<void> {
  const n = process.argv[2] ?? process.env.BENCH_N;
  if (n !== undefined && !/^[0-9][0-9_,]*$/.test(n)) throw new Error(`BENCH_N must be a positive integer, got ${n}`);
  const failed: string[] = [];
  for (const bench of BENCHES) {
    if (!existsSync(join(HERE, bench.file))) continue;
    process.stdout.write(`\n=== bench/${bench.file}${bench.sized && n ? ` (N = ${n})` : ''} ===\n`);
    const code = await run(bench.file, bench.sized && n ? [n] : []);
    if (code !== 0) failed.push(`${bench.file} (exit ${code})`);
  }
  if (failed.length > 0) {
    process.stderr.write(`\nfailed: ${failed.join(', ')}\n`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
