import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 query-string signing of a GET, for S3 and MinIO ("Authenticating Requests: Using Query
 * Parameters", AWS S3 API reference). Only `host` is signed and the payload is UNSIGNED-PAYLOAD, as presigned
 * URLs require. Written with node:crypto so that kfp-graph needs no AWS SDK.
 */
export interface PresignRequest {
  /** `http:` or `https:` */
  readonly protocol: string;
  /** Host and, unless it is the default for the protocol, port: exactly what the client sends as Host. */
  readonly host: string;
  /** Bucket and key segments, not yet encoded; joined with '/'. */
  readonly pathSegments: readonly string[];
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** 1 to 604800 (seven days), SigV4's bounds. */
  readonly expiresSeconds: number;
  readonly now: Date;
}

/** RFC 3986 unreserved characters stay, everything else is %XX of its UTF-8 bytes (SigV4's UriEncode). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256 = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** 20130524T000000Z */
function amzDate(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function presignGetUrl(request: PresignRequest): string {
  const timestamp = amzDate(request.now);
  const day = timestamp.slice(0, 8);
  const scope = `${day}/${request.region}/s3/aws4_request`;
  const path = `/${request.pathSegments.map(uriEncode).join('/')}`;
  const query: [string, string][] = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${request.accessKeyId}/${scope}`],
    ['X-Amz-Date', timestamp],
    ['X-Amz-Expires', String(request.expiresSeconds)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  const canonicalQuery = query
    .map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`)
    .sort()
    .join('&');
  const canonicalRequest = ['GET', path, canonicalQuery, `host:${request.host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', timestamp, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${request.secretAccessKey}`, day), request.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `${request.protocol}//${request.host}${path}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}
