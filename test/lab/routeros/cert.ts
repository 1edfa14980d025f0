/** A self-signed certificate for API-SSL, made once per state directory with the openssl CLI. */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
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
