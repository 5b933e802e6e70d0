import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { decodeProtobufBody } from './protobuf-body.js';
import { ApiError, badRequest } from './status-error.js';

/** Large enough for the Argo CRD posted as JSON; kube-apiserver's own limit is 3 MiB per object in etcd. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Read and decode a request body: JSON (every client), YAML (`application/yaml`, handy for curl) or protobuf (kubectl, reviews only). */
export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'BadRequest', 'the request body is too large');
    chunks.push(buffer);
  }
  const bytes = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (/vnd\.kubernetes\.protobuf/i.test(type)) return decodeProtobufBody(bytes);
  const text = bytes.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return /yaml/i.test(type) && !/json/i.test(type) ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded: ${error instanceof Error ? error.message : String(error)}`);
  }
}
