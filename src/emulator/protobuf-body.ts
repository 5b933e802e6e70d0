import { badRequest } from './status-error.js';

/**
 * kubectl (client-go ≥ 1.30) sends built-in objects as `application/vnd.kubernetes.protobuf`: the bytes
 * `k8s\0` then a runtime.Unknown {typeMeta, raw}. The emulator answers in JSON (kubectl's Accept allows it);
 * it decodes the request kinds kubectl posts for `auth can-i`, `create token` and reviews into their JSON form.
 * Field numbers are those of k8s.io/api/{authorization,authentication}/v1/generated.proto.
 */
export function decodeProtobufBody(bytes: Buffer): unknown {
  if (bytes.subarray(0, 4).toString('latin1') !== 'k8s\0') throw badRequest('protobuf body without the k8s envelope');
  const unknown = fields(bytes.subarray(4));
  const typeMeta = fields(bytesOf(first(unknown, 1)));
  const apiVersion = text(first(typeMeta, 1));
  const kind = text(first(typeMeta, 2));
  const raw = fields(bytesOf(first(unknown, 2)));
  const spec = fields(bytesOf(first(raw, 2)));
  switch (kind) {
    case 'SelfSubjectAccessReview':
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview':
      return { apiVersion, kind, metadata: {}, spec: accessReviewSpec(spec) };
    case 'TokenReview':
      return { apiVersion, kind, metadata: {}, spec: { token: text(first(spec, 1)), audiences: all(spec, 2).map(text) } };
    case 'TokenRequest': {
      const expiration = first(spec, 4);
      return {
        apiVersion,
        kind,
        metadata: {},
        spec: { audiences: all(spec, 1).map(text), ...(typeof expiration === 'number' ? { expirationSeconds: expiration } : {}) },
      };
    }
    default:
      throw badRequest(`protobuf bodies of kind ${kind} are not supported by the emulator; send JSON`);
  }
}

function accessReviewSpec(spec: ReadonlyMap<number, readonly FieldValue[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const resource = first(spec, 1);
  if (Buffer.isBuffer(resource)) {
    const r = fields(resource);
    const names = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];
    out.resourceAttributes = Object.fromEntries(names.map((n, i) => [n, text(first(r, i + 1))]));
  }
  const nonResource = first(spec, 2);
  if (Buffer.isBuffer(nonResource)) {
    const n = fields(nonResource);
    out.nonResourceAttributes = { path: text(first(n, 1)), verb: text(first(n, 2)) };
  }
  const user = first(spec, 3);
  if (user !== undefined) out.user = text(user);
  const groups = all(spec, 4);
  if (groups.length > 0) out.groups = groups.map(text);
  return out;
}

type FieldValue = Buffer | number;

/** One level of protobuf wire format: field number → values (varints as numbers, length-delimited as bytes). */
function fields(buf: Buffer): ReadonlyMap<number, readonly FieldValue[]> {
  const out = new Map<number, FieldValue[]>();
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = buf[pos++];
      if (byte === undefined) throw badRequest('truncated protobuf body');
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    let value: FieldValue;
    switch (key & 7) {
      case 0:
        value = varint();
        break;
      case 2: {
        const len = varint();
        value = buf.subarray(pos, pos + len);
        pos += len;
        break;
      }
      case 1:
        value = buf.subarray(pos, pos + 8);
        pos += 8;
        break;
      case 5:
        value = buf.subarray(pos, pos + 4);
        pos += 4;
        break;
      default:
        throw badRequest('unsupported protobuf wire type');
    }
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

function first(map: ReadonlyMap<number, readonly FieldValue[]>, field: number): FieldValue | undefined {
  return map.get(field)?.[0];
}

function all(map: ReadonlyMap<number, readonly FieldValue[]>, field: number): readonly FieldValue[] {
  return map.get(field) ?? [];
}

function text(value: FieldValue | undefined): string {
  return Buffer.isBuffer(value) ? value.toString('utf8') : '';
}

function bytesOf(value: FieldValue | undefined): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.alloc(0);
}
