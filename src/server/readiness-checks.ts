/**
 * What `/readyz` answers. Readiness gates only on what this replica itself needs to serve a request: its
 * database. The Kubernetes API is shared by every replica, so gating on it would take all of them out of the
 * Service at once when the API server blips — and most requests (reads of runs, experiments, lineage) never
 * reach it, while authorization failures already fail closed per request. The cluster's state is reported
 * beside the checks, for dashboards and humans, without changing the status code.
 * (Kubernetes: "Configure Liveness, Readiness and Startup Probes" — a readiness probe that depends on a shared
 * dependency makes every pod unready together.)
 */
export interface ReadinessReport {
  /** Each must be true for `/readyz` to answer 200. */
  readonly checks: Readonly<Record<string, boolean>>;
  /** Reported only: does the Kubernetes API server answer this replica. */
  readonly cluster: { readonly reachable: boolean; readonly namespaces?: boolean };
}

export interface ReadinessProbes {
  /** Resolves when the database answers a trivial statement. */
  readonly database: () => Promise<unknown>;
  /** Resolves when the Kubernetes API server answers (e.g. GET /version). */
  readonly cluster: () => Promise<unknown>;
  /** kfp mode: KFP's mlpipeline database, which this replica reads every answer from (gating, like its own). */
  readonly kfpDatabase?: () => Promise<unknown>;
  /** Reported only: whether the namespace directory is synced and fresh (its answers are UNAVAILABLE otherwise). */
  readonly namespaces?: () => boolean;
  /** Each probe must answer within this, so `/readyz` answers inside the kubelet's probe timeout. */
  readonly timeoutMs: number;
}

/** True when `probe` resolves within `timeoutMs`; a rejection or a slow answer is false. */
async function answers(probe: () => Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      probe().then(
        () => true,
        () => false,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function readinessChecks(probes: ReadinessProbes): () => Promise<ReadinessReport> {
  return async () => {
    const kfp = probes.kfpDatabase;
    const [database, cluster, kfpDatabase] = await Promise.all([
      answers(probes.database, probes.timeoutMs),
      answers(probes.cluster, probes.timeoutMs),
      kfp ? answers(kfp, probes.timeoutMs) : Promise.resolve(undefined),
    ]);
    return {
      checks: { database, ...(kfpDatabase === undefined ? {} : { kfpDatabase }) },
      cluster: { reachable: cluster, ...(probes.namespaces ? { namespaces: probes.namespaces() } : {}) },
    };
  };
}
