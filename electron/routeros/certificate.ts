/**
 * Gives a stock router's api-ssl a certificate of its own, over a session the
 * technician accepted as unverified, so every later connection can pin it.
 * Steps as https://help.mikrotik.com/docs/display/ROS/Certificates describes
 * them: add a template, `sign` it (self-signed when no ca= is given), then
 * `/ip service set api-ssl certificate=` (community.routeros
 * docs/docsite/rst/api-guide.rst). Signing makes an RSA key on the router: on a
 * small board that takes a while, hence the long limit and the read-back.
 */
import { fail } from '../../contract/errors';
import type { RouterConnection } from './connection';

/** An owned, ASCII name (see script.ts for why owned names are ASCII). */
export const API_SSL_CERTIFICATE = 'fspbx-api-ssl';

/**
 * What the certificate may do. A self-signed one needs key-cert-sign to sign itself (field
 * reports: "CA not found" otherwise; ../shared reference routeros.md); a TLS server answering
 * ECDHE-RSA needs digital-signature, which BoringSSL checks on the server's certificate
 * (google/boringssl ssl/ssl_cert.cc ssl_cert_check_key_usage); tls-server is the extended usage.
 */
export const API_SSL_KEY_USAGE = 'digital-signature,key-encipherment,key-cert-sign,tls-server';

const SIGN_TIMEOUT_MS = 180_000;
const READ_BACK_TRIES = 10;

function signed(row: Record<string, string> | undefined): string | undefined {
  if (!row || row['private-key'] !== 'true' || !row.fingerprint) return undefined;
  return row.fingerprint.replace(/[:\s]/g, '').toLowerCase();
}

/**
 * Returns the SHA-256 fingerprint (lower-case hex) of the certificate now assigned to api-ssl,
 * as the router itself reports it, to be pinned on the next connection.
 */
export async function giveApiSslACertificate(
  conn: RouterConnection,
  commonName: string,
  pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<string> {
  const find = async () =>
    (await conn.command('/certificate/print', [`?name=${API_SSL_CERTIFICATE}`]))[0] as
      Record<string, string> | undefined;
  let row = await find();
  if (!row) {
    await conn.command('/certificate/add', [
      `=name=${API_SSL_CERTIFICATE}`,
      `=common-name=${commonName}`,
      '=days-valid=3650',
      `=key-usage=${API_SSL_KEY_USAGE}`,
    ]);
  }
  if (!signed(row)) {
    await conn.command('/certificate/sign', [`=number=${API_SSL_CERTIFICATE}`], SIGN_TIMEOUT_MS);
  }
  let fingerprint: string | undefined;
  for (let i = 0; i < READ_BACK_TRIES && fingerprint === undefined; i += 1) {
    row = await find();
    fingerprint = signed(row);
    if (fingerprint === undefined) await pause(1_000);
  }
  if (fingerprint === undefined) {
    fail(
      'io_failed',
      `The router did not finish signing the certificate "${API_SSL_CERTIFICATE}". Check System › Certificates, then connect again.`,
      JSON.stringify(row ?? {}),
    );
  }
  const service = (await conn.command('/ip/service/print', ['?name=api-ssl']))[0];
  if (!service?.['.id']) fail('io_failed', 'The router has no api-ssl service to give the certificate to.');
  await conn.command('/ip/service/set', [`=.id=${service['.id']}`, `=certificate=${API_SSL_CERTIFICATE}`]);
  return fingerprint;
}
