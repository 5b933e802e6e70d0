import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { demoSeed, startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';

/** A fresh emulator on a random port with the demo seed, and a KubeConfig for a given bearer token. */
export async function startDemoEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ seed: demoSeed(), ...options });
}

export function kubeConfigFor(emu: RunningEmulator, token = emu.adminToken): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(emu.kubeconfigYaml({ token }));
  return kc;
}

/** The HTTP code and parsed Status of a failed client-node call. */
export async function failure(promise: Promise<unknown>): Promise<{ code: number; status: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) {
      const body: unknown = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
      return { code: error.code, status: body as Record<string, unknown> };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}
