import type { JsonSchema } from '../../src/kube/crd-schema/index.js';

/**
 * Minimal structural shapes of the non-built-in kinds deploy/ uses, written down from Istio's API reference
 * (istio.io/latest/docs/reference/config/security/authorization-policy/, …/peer_authentication/,
 * …/networking/virtual-service/) and the Prometheus Operator's ServiceMonitor API. Only the fields listed
 * are allowed (the strict check reports any other), so a misspelt `notValue` or `principal` fails the test
 * instead of silently matching nothing in the mesh. `metadata` is checked with Kubernetes' own ObjectMeta.
 */
const strings: JsonSchema = { type: 'array', items: { type: 'string' } };
const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };
const workloadSelector: JsonSchema = { type: 'object', properties: { matchLabels: stringMap } };
const stringMatch: JsonSchema = { type: 'object', properties: { exact: { type: 'string' }, prefix: { type: 'string' }, regex: { type: 'string' } } };

const authorizationPolicySpec: JsonSchema = {
  type: 'object',
  properties: {
    selector: workloadSelector,
    action: { type: 'string', enum: ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] },
    provider: { type: 'object', properties: { name: { type: 'string' } } },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          from: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                source: {
                  type: 'object',
                  properties: Object.fromEntries(
                    ['principals', 'requestPrincipals', 'namespaces', 'ipBlocks', 'remoteIpBlocks'].flatMap((f) => [
                      [f, strings],
                      [`not${f[0]?.toUpperCase()}${f.slice(1)}`, strings],
                    ]),
                  ),
                },
              },
            },
          },
          to: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                operation: {
                  type: 'object',
                  properties: Object.fromEntries(
                    ['hosts', 'ports', 'methods', 'paths'].flatMap((f) => [
                      [f, strings],
                      [`not${f[0]?.toUpperCase()}${f.slice(1)}`, strings],
                    ]),
                  ),
                },
              },
            },
          },
          when: {
            type: 'array',
            items: { type: 'object', required: ['key'], properties: { key: { type: 'string' }, values: strings, notValues: strings } },
          },
        },
      },
    },
  },
};

const mtlsMode: JsonSchema = { type: 'object', properties: { mode: { type: 'string', enum: ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'] } } };
const peerAuthenticationSpec: JsonSchema = {
  type: 'object',
  properties: { selector: workloadSelector, mtls: mtlsMode, portLevelMtls: { type: 'object', additionalProperties: mtlsMode } },
};

const virtualServiceSpec: JsonSchema = {
  type: 'object',
  properties: {
    hosts: strings,
    gateways: strings,
    exportTo: strings,
    http: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          match: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                uri: stringMatch,
                method: stringMatch,
                headers: { type: 'object', additionalProperties: stringMatch },
                port: { type: 'integer' },
              },
            },
          },
          rewrite: { type: 'object', properties: { uri: { type: 'string' }, authority: { type: 'string' } } },
          route: {
            type: 'array',
            items: {
              type: 'object',
              required: ['destination'],
              properties: {
                destination: {
                  type: 'object',
                  required: ['host'],
                  properties: {
                    host: { type: 'string' },
                    subset: { type: 'string' },
                    port: { type: 'object', properties: { number: { type: 'integer', minimum: 1, maximum: 65535 } } },
                  },
                },
                weight: { type: 'integer' },
              },
            },
          },
          timeout: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$' },
        },
      },
    },
  },
};

const serviceMonitorSpec: JsonSchema = {
  type: 'object',
  required: ['selector'],
  properties: {
    jobLabel: { type: 'string' },
    selector: { type: 'object', properties: { matchLabels: stringMap } },
    namespaceSelector: { type: 'object', properties: { any: { type: 'boolean' }, matchNames: strings } },
    endpoints: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          port: { type: 'string' },
          path: { type: 'string' },
          scheme: { type: 'string', enum: ['http', 'https'] },
          interval: { type: 'string', pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$' },
          scrapeTimeout: { type: 'string' },
        },
      },
    },
  },
};

/** `apiVersion|kind` → the spec's shape; the object around it is built by {@link meshShape}. */
export const MESH_SPECS: ReadonlyMap<string, JsonSchema> = new Map([
  ['security.istio.io/v1|AuthorizationPolicy', authorizationPolicySpec],
  ['security.istio.io/v1beta1|AuthorizationPolicy', authorizationPolicySpec],
  ['security.istio.io/v1|PeerAuthentication', peerAuthenticationSpec],
  ['networking.istio.io/v1|VirtualService', virtualServiceSpec],
  ['networking.istio.io/v1beta1|VirtualService', virtualServiceSpec],
  ['monitoring.coreos.com/v1|ServiceMonitor', serviceMonitorSpec],
]);

/** The whole object's shape: apiVersion, kind, Kubernetes ObjectMeta and the kind's spec. */
export function meshShape(apiVersion: string, kind: string, objectMeta: JsonSchema): JsonSchema | undefined {
  const spec = MESH_SPECS.get(`${apiVersion}|${kind}`);
  if (!spec) return undefined;
  return {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: objectMeta, spec },
  };
}
