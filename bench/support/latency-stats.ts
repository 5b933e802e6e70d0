import { performance } from 'node:perf_hooks';

/** Latency percentiles of repeated calls, measured one after another (no concurrency). */
export interface LatencyStats {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export async function measure(times: number, call: () => Promise<unknown>): Promise<LatencyStats> {
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const start = performance.now();
    await call();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return {
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    mean: samples.reduce((sum, x) => sum + x, 0) / samples.length,
  };
}

export const ms = (value: number): string => `${value.toFixed(2)} ms`;
