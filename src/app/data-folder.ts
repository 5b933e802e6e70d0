import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../server/startup-error.js';

/** The folder an embedded instance keeps its own files in (the emulator's kubeconfig), held while it runs. */
export interface DataFolder {
  readonly path: string;
  readonly kubeconfigPath: string;
  release(): void;
}

const LOCK = 'kfp-graph.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * Claims DATA_DIR for this process with a pid file created exclusively, so that a second embedded instance
 * cannot rewrite the first one's `emulator.kubeconfig` (whose CA and tokens belong to the first's emulator):
 * it is refused with the setting to change instead. A pid file left by a process that no longer runs is taken over.
 */
export function claimDataFolder(path: string): DataFolder {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw new StartupError('DATA_DIR', `cannot create ${path} (${(error as { code?: string }).code ?? 'error'})`);
  }
  const lock = join(path, LOCK);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return {
        path,
        kubeconfigPath: join(path, 'emulator.kubeconfig'),
        release: () => rmSync(lock, { force: true }),
      };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'EEXIST') throw new StartupError('DATA_DIR', `cannot write ${lock} (${code ?? 'error'})`);
      const holder = Number.parseInt(readFileSync(lock, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
        throw new StartupError(
          'DATA_DIR',
          `${path} belongs to another running kfp-graph (pid ${holder}); give this one its own folder, e.g. DATA_DIR=${path}-2`,
        );
      }
      rmSync(lock, { force: true });
    }
  }
  throw new StartupError('DATA_DIR', `cannot claim ${path}`);
}
