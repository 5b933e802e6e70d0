import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claimDataFolder } from '../../src/app/data-folder.js';
import { loadConfig } from '../../src/config/config.js';
import { StartupError } from '../../src/server/startup-error.js';

const dir = mkdtempSync(join(tmpdir(), 'kfp-graph-data-dir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DATA_DIR', () => {
  it('holds the default SQLite file; an explicit DATABASE_URL wins', () => {
    expect(loadConfig({}, []).DATABASE_URL).toBe('sqlite:./data/kfp-graph.sqlite');
    expect(loadConfig({ DATA_DIR: 'data-2' }, []).DATABASE_URL).toBe('sqlite:./data-2/kfp-graph.sqlite');
    expect(loadConfig({ DATA_DIR: '/var/lib/kfp' }, []).DATABASE_URL).toBe('sqlite:/var/lib/kfp/kfp-graph.sqlite');
    expect(loadConfig({ DATA_DIR: 'x', DATABASE_URL: 'postgres://h/db' }, []).DATABASE_URL).toBe('postgres://h/db');
  });

  it('is held by one live process; a pid file of a process that is gone is taken over', () => {
    const folder = join(dir, 'a');
    const held = claimDataFolder(folder);
    expect(held.kubeconfigPath).toBe(join(folder, 'emulator.kubeconfig'));
    expect(readFileSync(join(folder, 'kfp-graph.pid'), 'utf8').trim()).toBe(String(process.pid));
    held.release();
    expect(existsSync(join(folder, 'kfp-graph.pid'))).toBe(false);

    // pid 1 is always alive (init) and is not us: the folder is refused, naming the setting.
    writeFileSync(join(folder, 'kfp-graph.pid'), '1\n');
    expect(() => claimDataFolder(folder)).toThrow(StartupError);
    expect(() => claimDataFolder(folder)).toThrow(/^DATA_DIR: .* belongs to another running kfp-graph \(pid 1\)/);

    writeFileSync(join(folder, 'kfp-graph.pid'), '2147483646\n');
    const taken = claimDataFolder(folder);
    expect(readFileSync(join(folder, 'kfp-graph.pid'), 'utf8').trim()).toBe(String(process.pid));
    taken.release();
  });
});
