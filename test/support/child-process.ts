import type { ChildProcess } from 'node:child_process';

/** Collects a child's stdout and stderr as text, for assertions on its log. */
export function captureOutput(child: ChildProcess): { readonly stdout: () => string; readonly stderr: () => string } {
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  return { stdout: () => out, stderr: () => err };
}

/** Resolves with the first match of `pattern` in the child's stdout; rejects on exit or after `timeoutMs`. */
export function waitForOutput(child: ChildProcess, output: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no ${pattern} within ${timeoutMs} ms; output so far:\n${output()}`)), timeoutMs);
    const check = () => {
      const match = output().match(pattern);
      if (match) finish(match);
    };
    const exited = (code: number | null, signal: string | null) => finish(new Error(`exited (${code ?? signal}) before ${pattern}; output:\n${output()}`));
    function finish(result: RegExpMatchArray | Error) {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', exited);
      if (result instanceof Error) reject(result);
      else resolve(result);
    }
    child.stdout?.on('data', check);
    child.once('exit', exited);
    check();
  });
}

/** True while any process of the group `pgid` is alive (signal 0 probes without signalling). */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Waits until the process group is gone; false if it is still there after `timeoutMs`. */
export async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processGroupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/** The JSON log lines at `warn` or `error` (and any `{` line that is not JSON), for a clean-log check; stderr is checked apart. */
export function problemLines(log: string): readonly string[] {
  return log
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{'))
    .filter((line) => {
      try {
        const level = (JSON.parse(line) as { readonly level?: unknown }).level;
        return level === 'warn' || level === 'error';
      } catch {
        return true;
      }
    });
}
