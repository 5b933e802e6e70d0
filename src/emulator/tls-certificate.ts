import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { extension, integer, oid, pem, seq, set, time, tlv } from './der-encoding.js';

/**
 * A throw-away self-signed certificate for 127.0.0.1/localhost, built in-process (P-256, DER by hand).
 * Why TLS at all: kubectl's clientcmd drops every credential (token, impersonation) when the server URL is
 * plain http (`restclient.IsConfigTransportTLS`), so an http emulator would only ever see anonymous kubectl.
 * The certificate is a CA for itself; kubeconfigs carry it as `certificate-authority-data`.
 */
export interface SelfSignedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

export function createSelfSignedCertificate(commonName = 'kfp-graph-emulator', validDays = 3650): SelfSignedCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const name = seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName)))));
  const now = Date.now();
  // RFC 5280 4.1.2.2: a positive serial of at most 20 octets. 0x40 in the first byte keeps all 16 random bytes
  // significant (never a leading zero octet to strip) and the sign bit clear (no 0x00 to prepend).
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x3f) | 0x40;
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ecdsaWithSha256,
    name,
    seq(time(new Date(now - 3_600_000)), time(new Date(now + validDays * 86_400_000))),
    name,
    spki,
    tlv(
      0xa3,
      seq(
        extension('2.5.29.19', true, seq(tlv(0x01, Buffer.from([0xff])))), // basicConstraints CA:TRUE
        extension('2.5.29.15', true, tlv(0x03, Buffer.from([0x02, 0x84]))), // digitalSignature, keyCertSign
        extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // serverAuth
        extension('2.5.29.17', false, seq(tlv(0x82, Buffer.from('localhost')), tlv(0x87, Buffer.from([127, 0, 0, 1])))),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return {
    certPem: pem('CERTIFICATE', der),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
