import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { OpenApiDocument, unknownFields, validateValue, type JsonSchema, type ValidationCause } from '../../src/kube/crd-schema/index.js';
import { meshShape } from '../support/mesh-shapes.js';
import { UPSTREAM_FIXTURES, UPSTREAM_KUBERNETES } from '../support/upstream-fixtures.js';

const REPO = resolve(import.meta.dirname, '../..');
const DEPLOY = join(REPO, 'deploy');
const OVERLAYS = ['kfp', 'standalone'] as const;

type Manifest = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
} & Record<string, unknown>;

const openApi = readdirSync(join(UPSTREAM_KUBERNETES, 'openapi-v3'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => new OpenApiDocument(JSON.parse(readFileSync(join(UPSTREAM_KUBERNETES, 'openapi-v3', f), 'utf8')) as unknown));
const objectMeta = (openApi.find((d) => d.kinds().some((k) => k.group === '' && k.kind === 'Pod')) as OpenApiDocument).resolve(
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
);

function schemaOf(apiVersion: string, kind: string): JsonSchema | undefined {
  for (const document of openApi) {
    const schema = document.schemaFor(apiVersion, kind);
    if (schema) return schema;
  }
  return meshShape(apiVersion, kind, objectMeta);
}

/** Strict validation, as `kubectl apply --validate=strict` against the API server: unknown fields, types, required. */
function problemsOf(object: Manifest, options: { readonly partial?: boolean } = {}): readonly string[] {
  const schema = schemaOf(object.apiVersion, object.kind);
  if (!schema) return [`${object.apiVersion} ${object.kind}: no schema (add it to the OpenAPI fixtures or test/support/mesh-shapes.ts)`];
  const causes: ValidationCause[] = [...unknownFields(schema, object)];
  validateValue(schema, object, '', causes);
  // A strategic-merge patch names only what it changes; kustomize (and the API server) check the merged object.
  const kept = options.partial ? causes.filter((c) => c.reason !== 'FieldValueRequired') : causes;
  return kept.map((c) => `${object.kind}/${object.metadata?.name}: ${c.field}: ${c.message}`);
}

function documents(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as unknown)
    .filter((o): o is Manifest => typeof o === 'object' && o !== null);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/**
 * kubectl's built-in kustomize, when it is new enough for `components` and `patches` (kustomize v4, kubectl
 * 1.21+). Debian's `kubernetes-client` package is kubectl 1.20 with kustomize v2, which is not.
 */
function kubectlKustomize(): { readonly ok: boolean; readonly why: string } {
  const probe = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { ok: false, why: 'kubectl is not installed; install kubectl 1.21 or later to render the overlays' };
  const version = (JSON.parse(probe.stdout) as { readonly kustomizeVersion?: string }).kustomizeVersion ?? '';
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? 0);
  return major >= 4
    ? { ok: true, why: '' }
    : { ok: false, why: `kubectl's kustomize is ${version || 'unknown'}, older than v4; install kubectl 1.21 or later` };
}
const kubectl = kubectlKustomize();
const hasKubectl = kubectl.ok;

function kustomize(dir: string): Manifest[] {
  const rendered = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (rendered.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${rendered.stderr}`);
  return documents(rendered.stdout);
}

describe('the schema check itself', () => {
  it('reports a misspelt field, a wrong type and a missing required field of a built-in kind', () => {
    const deployment = documents(readFileSync(join(DEPLOY, 'base/deployment.yaml'), 'utf8'))[0] as Manifest;
    const spec = deployment.spec as Record<string, unknown>;
    const broken = { ...deployment, spec: { ...spec, replica: 2, replicas: 'two', selector: undefined } } as unknown as Manifest;
    const text = JSON.stringify(broken).replace('"path":"/readyz"', '"paht":"/readyz"').replace('"containerPort":4000', '"containerPort":"4000"');
    const problems = problemsOf(JSON.parse(text) as Manifest);
    expect(problems).toEqual(
      expect.arrayContaining([
        'Deployment/kfp-graph: spec.replica: unknown field "spec.replica"',
        expect.stringMatching(/^Deployment\/kfp-graph: spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer/),
        'Deployment/kfp-graph: spec.selector: Required value',
        'Deployment/kfp-graph: spec.template.spec.containers[0].readinessProbe.httpGet.paht: unknown field "spec.template.spec.containers[0].readinessProbe.httpGet.paht"',
        expect.stringMatching(/containers\[0\]\.ports\[0\]\.containerPort in body must be of type integer/),
      ]),
    );
  });

  it('reports a misspelt Istio field and a kind it has no schema for', () => {
    const policy = documents(readFileSync(join(DEPLOY, 'base/istio-authorization-policy.yaml'), 'utf8'))[0] as Manifest;
    const text = JSON.stringify(policy).replace('"notValues"', '"notValue"');
    expect(problemsOf(JSON.parse(text) as Manifest)).toEqual([
      'AuthorizationPolicy/kfp-graph: spec.rules[1].when[0].notValue: unknown field "spec.rules[1].when[0].notValue"',
    ]);
    expect(problemsOf({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'x' } })).toEqual([
      'example.com/v1 Gadget: no schema (add it to the OpenAPI fixtures or test/support/mesh-shapes.ts)',
    ]);
  });
});

describe('every YAML file under deploy/, as written', () => {
  // deploy/emulator holds byte-identical upstream CRDs and RBAC (test/emulator/vendored-fixtures.test.ts).
  const files = yamlFiles(DEPLOY).filter((f) => !relative(DEPLOY, f).startsWith('emulator/'));
  const kustomizations = files.filter((f) => /kustomization\.ya?ml$/.test(f));
  const patchFiles = new Set(
    kustomizations.flatMap((k) => {
      const spec = documents(readFileSync(k, 'utf8'))[0] as { readonly patches?: readonly { readonly path?: string }[] };
      return (spec.patches ?? []).flatMap((p) => (p.path ? [resolve(k, '..', p.path)] : []));
    }),
  );

  it.each(files.filter((f) => !kustomizations.includes(f)).map((f) => [relative(REPO, f), f]))('%s is valid', (_name, file) => {
    const objects = documents(readFileSync(file, 'utf8'));
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.flatMap((o) => problemsOf(o, { partial: patchFiles.has(file) }))).toEqual([]);
  });
});

/** The value at a dotted path (`spec.template.spec.containers.0.ports`) of a rendered object. */
function at(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), value);
}

function list(value: unknown, path: string): readonly unknown[] {
  const found = at(value, path);
  return Array.isArray(found) ? found : [];
}

describe.skipIf(!hasKubectl)(`kubectl kustomize of every overlay${hasKubectl ? '' : ` (skipped: ${kubectl.why})`}`, () => {
  const rendered = new Map(OVERLAYS.map((o) => [o, hasKubectl ? kustomize(join(DEPLOY, 'overlays', o)) : []]));
  const find = (objects: readonly Manifest[], kind: string, name = 'kfp-graph'): Manifest => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind}/${name} rendered`);
    return found;
  };

  it.each(OVERLAYS)('%s: every object is valid against its schema', (overlay) => {
    const objects = rendered.get(overlay) ?? [];
    expect(objects.map((o) => o.kind).sort()).toEqual(
      expect.arrayContaining([
        'AuthorizationPolicy',
        'ConfigMap',
        'Deployment',
        'NetworkPolicy',
        'PeerAuthentication',
        'PodDisruptionBudget',
        'Service',
        'VirtualService',
      ]),
    );
    expect(objects.flatMap((o) => problemsOf(o))).toEqual([]);
  });

  it('the optional ServiceMonitor component renders onto an overlay and is valid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfp-graph-kustomize-'));
    try {
      // kustomize takes only relative paths to other kustomizations.
      const rel = relative(dir, DEPLOY);
      writeFileSync(join(dir, 'kustomization.yaml'), `resources: [${rel}/overlays/standalone]\ncomponents: [${rel}/components/servicemonitor]\n`);
      const objects = kustomize(dir);
      const monitor = find(objects, 'ServiceMonitor');
      const metrics = find(objects, 'Service', 'kfp-graph-metrics');
      expect(at(metrics, 'spec.ports')).toEqual([{ name: 'metrics', port: 9090, targetPort: 'metrics' }]);
      expect(at(monitor, 'spec.selector.matchLabels')).toEqual(metrics.metadata.labels);
      expect(at(monitor, 'spec.endpoints.0.port')).toBe('metrics');
      expect(objects.flatMap((o) => problemsOf(o))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(OVERLAYS)('%s: the pieces fit together (selectors, ports, probes, spread, budget)', (overlay) => {
    const objects = rendered.get(overlay) ?? [];
    const deployment = find(objects, 'Deployment');
    const labels = at(deployment, 'spec.template.metadata.labels');
    const container = at(deployment, 'spec.template.spec.containers.0');
    expect(at(deployment, 'spec.replicas')).toBe(2);
    expect(at(container, 'ports')).toEqual([
      { name: 'http', containerPort: 4000 },
      { name: 'metrics', containerPort: 9090 },
    ]);
    expect(at(find(objects, 'ConfigMap', 'kfp-graph-config'), 'data.METRICS_PORT')).toBe('9090');
    expect(at(container, 'securityContext.readOnlyRootFilesystem')).toBe(true);
    // The pod runs as the image's own user (the Dockerfile's USER), never as root.
    const user = /^USER (\d+):(\d+)$/m.exec(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
    expect(at(deployment, 'spec.template.spec.securityContext')).toMatchObject({
      runAsNonRoot: true,
      runAsUser: Number(user?.[1]),
      runAsGroup: Number(user?.[2]),
    });
    expect(at(container, 'resources.requests.memory')).toMatch(/^\d+(Mi|Gi)$/);
    expect(at(container, 'resources.limits.memory')).toMatch(/^\d+(Mi|Gi)$/);
    expect(at(container, 'startupProbe.httpGet')).toEqual({ path: '/healthz', port: 'http' });
    expect(at(container, 'readinessProbe.httpGet')).toEqual({ path: '/readyz', port: 'http' });
    expect(at(container, 'livenessProbe.httpGet')).toEqual({ path: '/healthz', port: 'http' });
    // The server bounds each readiness check to 1.5 s (src/server/kfp-graph-server.ts): inside the probe's timeout.
    expect(at(container, 'readinessProbe.timeoutSeconds')).toBeGreaterThanOrEqual(2);
    const spread = list(deployment, 'spec.template.spec.topologySpreadConstraints');
    expect(spread.map((c) => at(c, 'topologyKey'))).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    for (const constraint of spread) expect(at(constraint, 'labelSelector.matchLabels')).toEqual(labels);
    expect(at(find(objects, 'PodDisruptionBudget'), 'spec')).toEqual({ minAvailable: 1, selector: { matchLabels: labels } });

    const service = find(objects, 'Service');
    expect(at(service, 'spec.selector')).toEqual(labels);
    expect(list(service, 'spec.ports').map((p) => at(p, 'targetPort'))).toEqual(['http']);
    const network = find(objects, 'NetworkPolicy');
    expect(at(network, 'spec.podSelector.matchLabels')).toEqual(labels);
    expect(list(network, 'spec.ingress').flatMap((r) => list(r, 'ports').map((p) => at(p, 'port')))).toEqual(['http']);

    const route = at(find(objects, 'VirtualService'), 'spec.http.0');
    expect(list(route, 'match')).toContainEqual({ uri: { exact: '/graphql' } });
    expect(at(route, 'route.0.destination')).toEqual({
      host: `${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`,
      port: { number: at(service, 'spec.ports.0.port') },
    });
  });

  it.each(OVERLAYS)("%s: only the gateway and KFP's UI may send the identity headers (KFP's own ml-pipeline policy)", (overlay) => {
    const objects = rendered.get(overlay) ?? [];
    const policy = find(objects, 'AuthorizationPolicy');
    expect(at(policy, 'spec.selector.matchLabels')).toEqual(at(find(objects, 'Deployment'), 'spec.template.metadata.labels'));
    expect(at(policy, 'spec.action')).toBe('ALLOW');
    const [trusted, anonymousHeaders, ...others] = list(policy, 'spec.rules');
    expect(others).toEqual([]);
    // The principal KFP's ml-pipeline-ui policy trusts for the gateway, and KFP's UI service account.
    const upstream = documents(readFileSync(join(UPSTREAM_FIXTURES, 'kubeflow-istio/kfp-istio-authorization-config.yaml'), 'utf8'));
    const gateway = at(find(upstream, 'AuthorizationPolicy', 'ml-pipeline-ui'), 'spec.rules.0.from.0.source.principals.0');
    const kfpUi = list(find(upstream, 'AuthorizationPolicy', 'ml-pipeline'), 'spec.rules.0.from.0.source.principals').find((p) =>
      String(p).endsWith('/sa/ml-pipeline-ui'),
    );
    expect(gateway).toBe('cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account');
    expect(trusted).toEqual({ from: [{ source: { principals: [gateway, kfpUi] } }] });
    // Everyone else: only requests carrying neither header, written exactly as KFP's rule for ml-pipeline.
    const kfpRule = at(find(upstream, 'AuthorizationPolicy', 'ml-pipeline'), 'spec.rules.1.when.0');
    const header = at(find(objects, 'ConfigMap', 'kfp-graph-config'), 'data.KUBEFLOW_USERID_HEADER');
    expect(kfpRule).toEqual({ key: `request.headers[${String(header)}]`, notValues: ['*'] });
    expect(anonymousHeaders).toEqual({ when: [kfpRule, { key: 'request.headers[kubeflow-groups]', notValues: ['*'] }] });
    expect(at(find(objects, 'PeerAuthentication'), 'spec.mtls')).toEqual({ mode: 'STRICT' });
  });

  it('kfp: KFP mode, its API and its databases', () => {
    const objects = rendered.get('kfp') ?? [];
    const config = find(objects, 'ConfigMap', 'kfp-graph-config');
    expect(at(config, 'data.KFP_MODE')).toBe('kfp');
    expect(at(config, 'data.KFP_API_URL')).toBe('http://ml-pipeline.kubeflow:8888');
    const env = list(find(objects, 'Deployment'), 'spec.template.spec.containers.0.env');
    expect(env.map((e) => at(e, 'name')).sort()).toEqual([
      'DATABASE_URL',
      'KFP_DATABASE_URL',
      'LEADER_ELECTION_NAMESPACE',
      'METADATA_DATABASE_URL',
      'POD_NAME',
    ]);
    const from = (name: string) =>
      at(
        env.find((e) => at(e, 'name') === name),
        'valueFrom',
      );
    expect(from('KFP_DATABASE_URL')).toEqual({ secretKeyRef: { name: 'kfp-graph-kfp-db', key: 'mlpipeline-url' } });
    expect(from('METADATA_DATABASE_URL')).toEqual({ secretKeyRef: { name: 'kfp-graph-kfp-db', key: 'metadb-url' } });
    const toKfp = find(objects, 'AuthorizationPolicy', 'ml-pipeline-from-kfp-graph');
    expect(at(toKfp, 'spec.selector.matchLabels')).toEqual({ app: 'ml-pipeline' });
    expect(at(toKfp, 'spec.rules.0.from.0.source.principals')).toEqual(['cluster.local/ns/kubeflow/sa/kfp-graph']);
  });

  it('standalone: kfp-graph-only settings, no policy on KFP', () => {
    const objects = rendered.get('standalone') ?? [];
    expect(at(find(objects, 'ConfigMap', 'kfp-graph-config'), 'data.KFP_MODE')).toBeUndefined();
    expect(objects.some((o) => o.metadata.name === 'ml-pipeline-from-kfp-graph')).toBe(false);
  });
});
