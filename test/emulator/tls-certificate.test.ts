import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { integer, time } from '../../src/emulator/der-encoding.js';
import { createSelfSignedCertificate } from '../../src/emulator/tls-certificate.js';

interface Tlv {
  readonly tag: number;
  readonly content: Buffer;
  readonly end: number;
}

function readTlv(der: Buffer, at: number): Tlv {
  const tag = der[at];
  const first = der[at + 1];
  if (tag === undefined || first === undefined) throw new Error(`truncated DER at ${at}`);
  let length = first;
  let start = at + 2;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets === 0 || octets > 2) throw new Error(`unsupported length form at ${at}`);
    length = 0;
    for (let i = 0; i < octets; i += 1) length = length * 256 + (der[start + i] ?? 0);
    // DER 10.1: the definite form with the fewest octets.
    if (length < 0x80 || (octets === 2 && length < 0x100)) throw new Error(`non-minimal length at ${at}`);
    start += octets;
  }
  const end = start + length;
  if (end > der.length) throw new Error(`length overruns the buffer at ${at}`);
  return { tag, content: der.subarray(start, end), end };
}

function readAll(der: Buffer): Tlv[] {
  const items: Tlv[] = [];
  for (let at = 0; at < der.length; ) {
    const item = readTlv(der, at);
    items.push(item);
    at = item.end;
  }
  return items;
}

/**
 * Every INTEGER in the certificate, descending into constructed values and into the BIT and OCTET STRINGs that
 * wrap a SEQUENCE (the signature's ECDSA-Sig-Value, extension values); other string contents are opaque bytes.
 */
function integers(der: Buffer): Buffer[] {
  const found: Buffer[] = [];
  const walk = (buffer: Buffer) => {
    for (const { tag, content } of readAll(buffer)) {
      if (tag === 0x02) found.push(content);
      else if (tag & 0x20) walk(content);
      else if (tag === 0x03 && content[1] === 0x30) walk(content.subarray(1));
      else if (tag === 0x04 && content[0] === 0x30) walk(content);
    }
  };
  walk(der);
  return found;
}

/** X.690 8.3.2: not empty, and the first nine bits are neither all zero nor all one. */
function isMinimalInteger(content: Buffer): boolean {
  if (content.length === 0) return false;
  if (content.length === 1) return true;
  const [a = 0, b = 0] = content;
  return !(a === 0x00 && b < 0x80) && !(a === 0xff && b >= 0x80);
}

function derOf(certPem: string): Buffer {
  return Buffer.from(certPem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''), 'base64');
}

describe('the emulator TLS certificate', () => {
  it('INTEGERs are minimal whatever the magnitude: leading zeros dropped, a sign octet only when needed', () => {
    expect(integer(Buffer.from([0x00, 0x01, 0x02]))).toEqual(Buffer.from([0x02, 0x02, 0x01, 0x02]));
    expect(integer(Buffer.from([0x00, 0x00, 0x80]))).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x80]));
    expect(integer(Buffer.from([0x80]))).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x80]));
    expect(integer(Buffer.from([0x00]))).toEqual(Buffer.from([0x02, 0x01, 0x00]));
    expect(integer(Buffer.from([]))).toEqual(Buffer.from([0x02, 0x01, 0x00]));
    expect(integer(Buffer.from([0x7f, 0x00]))).toEqual(Buffer.from([0x02, 0x02, 0x7f, 0x00]));
  });

  it('times are UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 4.1.2.5)', () => {
    expect(time(new Date('2049-12-31T23:59:59Z')).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
  });

  it('2,500 fresh certificates are all valid DER: OpenSSL parses each, every INTEGER is minimal', () => {
    // Before the fix ~1 in 256 serials began 0x00 followed by a byte < 0x80; 2,500 tries miss that with p < 1e-4.
    const serials = new Set<string>();
    for (let i = 0; i < 2500; i += 1) {
      const { certPem } = createSelfSignedCertificate();
      const der = derOf(certPem);
      const found = integers(der);
      // version, serial, and the signature's r and s at least
      expect(found.length).toBeGreaterThanOrEqual(4);
      for (const content of found) if (!isMinimalInteger(content)) throw new Error(`certificate ${i}: non-minimal INTEGER ${content.toString('hex')}`);
      const cert = new X509Certificate(certPem);
      serials.add(cert.serialNumber);
      const serial = found[1];
      expect(serial?.length).toBe(16);
      expect((serial?.[0] ?? 0) & 0x80).toBe(0);
    }
    expect(serials.size).toBe(2500);
  });

  it('is a self-signed CA for 127.0.0.1 and localhost whose signature verifies', () => {
    const { certPem } = createSelfSignedCertificate();
    const cert = new X509Certificate(certPem);
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIssued(cert)).toBe(true);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 3000 * 86_400_000);
  });
});
