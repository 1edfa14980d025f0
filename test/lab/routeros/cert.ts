/** A self-signed certificate for API-SSL, made once per state directory with the openssl CLI. */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SimCertificate {
  key: Buffer;
  cert: Buffer;
  /** SHA-256 of the certificate DER, lowercase hex without separators. */
  fingerprint: string;
}

export async function ensureCertificate(stateDir: string, commonName: string): Promise<SimCertificate> {
  await mkdir(stateDir, { recursive: true });
  const keyFile = join(stateDir, 'api-ssl.key');
  const certFile = join(stateDir, 'api-ssl.crt');
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    // The CN is data: it goes in as one argv element, escaped for openssl's -subj syntax.
    const cn = commonName.replace(/[\\/=+,]/g, (c) => '\\' + c).replace(/[^\x20-\x7e]/g, '_') || 'router';
    await run(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '3650',
        '-subj',
        `/CN=${cn}`,
      ],
      { timeout: 30_000 },
    );
  }
  const [key, cert] = await Promise.all([readFile(keyFile), readFile(certFile)]);
  const fingerprint = new X509Certificate(cert).fingerprint256.replace(/:/g, '').toLowerCase();
  return { key, cert, fingerprint };
}

/**
 * RouterOS key-usage words (https://help.mikrotik.com/docs/display/ROS/Certificates, "key-usage")
 * as X.509 names: the basic usages (RFC 5280 4.2.1.3) and the extended ones (4.2.1.12). What the
 * template names is what the signed certificate carries.
 */
const BASIC_USAGE: Readonly<Record<string, string>> = {
  'digital-signature': 'digitalSignature',
  'content-commitment': 'nonRepudiation',
  'key-encipherment': 'keyEncipherment',
  'data-encipherment': 'dataEncipherment',
  'key-agreement': 'keyAgreement',
  'key-cert-sign': 'keyCertSign',
  'crl-sign': 'cRLSign',
  'encipher-only': 'encipherOnly',
  'decipher-only': 'decipherOnly',
};
const EXTENDED_USAGE: Readonly<Record<string, string>> = {
  'tls-server': 'serverAuth',
  'tls-client': 'clientAuth',
  'code-sign': 'codeSigning',
  'email-protect': 'emailProtection',
  timestamp: 'timeStamping',
  'ocsp-sign': 'OCSPSigning',
};

/** openssl `-addext` values for a template's key-usage (comma list); unknown words are left out. */
export function usageExtensions(keyUsage: string): string[] {
  const words = keyUsage.split(',').map((w) => w.trim());
  const basic = words.flatMap((w) => (BASIC_USAGE[w] ? [BASIC_USAGE[w]] : []));
  const extended = words.flatMap((w) => (EXTENDED_USAGE[w] ? [EXTENDED_USAGE[w]] : []));
  return [
    ...(basic.length > 0 ? [`keyUsage=critical,${basic.join(',')}`] : []),
    ...(extended.length > 0 ? [`extendedKeyUsage=${extended.join(',')}`] : []),
  ];
}

/**
 * `/certificate/sign` of a template without `ca=`: a self-signed certificate with the template's
 * common name, validity, RSA key size and key usage (https://help.mikrotik.com/docs/display/ROS/Certificates,
 * "key-size (Default: 2048)", "days-valid (Default: 365)"). Made in a scratch directory, kept in memory.
 * `sha1` is the SHA-1 fingerprint a RouterOS 6 router prints (wiki.mikrotik.com
 * Manual:System/Certificates, v6: "All certificate fingerprints are SHA1").
 */
export async function signSelf(
  scratchDir: string,
  t: { commonName: string; days: number; keySize: number; keyUsage: string },
): Promise<SimCertificate & { sha1: string; notBefore: string; notAfter: string; serial: string }> {
  await mkdir(scratchDir, { recursive: true });
  const stem = join(scratchDir, `sign-${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}`);
  const cn = t.commonName.replace(/[\\/=+,]/g, (c) => '\\' + c).replace(/[^\x20-\x7e]/g, '_') || 'router';
  await run(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      `rsa:${t.keySize}`,
      '-nodes',
      '-keyout',
      `${stem}.key`,
      '-out',
      `${stem}.crt`,
      '-days',
      String(t.days),
      '-subj',
      `/CN=${cn}`,
      ...usageExtensions(t.keyUsage).flatMap((e) => ['-addext', e]),
    ],
    { timeout: 60_000 },
  );
  const [key, cert] = await Promise.all([readFile(`${stem}.key`), readFile(`${stem}.crt`)]);
  await Promise.all([rm(`${stem}.key`, { force: true }), rm(`${stem}.crt`, { force: true })]);
  const x = new X509Certificate(cert);
  return {
    key,
    cert,
    fingerprint: x.fingerprint256.replace(/:/g, '').toLowerCase(),
    sha1: x.fingerprint.replace(/:/g, '').toLowerCase(),
    notBefore: x.validFrom,
    notAfter: x.validTo,
    serial: x.serialNumber,
  };
}
