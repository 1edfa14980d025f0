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
 * `/certificate/sign` of a template without `ca=`: a self-signed certificate with the template's
 * common name, validity and RSA key size (https://help.mikrotik.com/docs/display/ROS/Certificates,
 * "key-size (Default: 2048)", "days-valid (Default: 365)"). Made in a scratch directory, kept in memory.
 */
export async function signSelf(
  scratchDir: string,
  t: { commonName: string; days: number; keySize: number },
): Promise<SimCertificate & { notBefore: string; notAfter: string; serial: string }> {
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
    notBefore: x.validFrom,
    notAfter: x.validTo,
    serial: x.serialNumber,
  };
}
