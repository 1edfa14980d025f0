/**
 * Gives a stock router's api-ssl a certificate of its own over the API, on a session the
 * technician accepted as unverified, so every later connection can pin it ('make-certificate').
 * The plan (names, key usage, leftovers, the wait, the service row) is certificate-plan.ts, shared
 * with the SSH way. Steps as https://help.mikrotik.com/docs/display/ROS/Certificates describes them:
 * add a template, `sign` it (self-signed when no ca= is given), then `/ip/service/set
 * certificate=` (community.routeros docs/docsite/rst/api-guide.rst).
 */
import { Failure, fail } from '../../contract/errors';
import type { RouterConnection, Row } from './connection';
import {
  API_SSL_CERTIFICATE,
  API_SSL_KEY_USAGE,
  SIGN_POLL,
  SIGN_TIMEOUT_MS,
  certificateStep,
  staticServiceRow,
} from './certificate-plan';

export { API_SSL_CERTIFICATE, API_SSL_KEY_USAGE } from './certificate-plan';

/** Signed = it has its key and a fingerprint (a template's fingerprint is empty). */
function fingerprintOf(row: Row | undefined): string | undefined {
  if (!row || row['private-key'] !== 'true' || !row.fingerprint) return undefined;
  return row.fingerprint.replace(/[:\s]/g, '').toLowerCase();
}

async function findCertificate(conn: RouterConnection): Promise<Row | undefined> {
  return (await conn.command('/certificate/print', [`?name=${API_SSL_CERTIFICATE}`]))[0];
}

/**
 * Makes (or repairs, or finishes) the wizard's certificate and returns its fingerprint as the
 * router prints it: lower-case hex, SHA-256 on RouterOS 7, possibly SHA-1 on 6.
 */
export async function makeApiSslCertificate(
  conn: RouterConnection,
  commonName: string,
  pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<string> {
  let row = await findCertificate(conn);
  const step = certificateStep(
    row === undefined ? undefined : { keyUsage: row['key-usage'] ?? '', signed: fingerprintOf(row) !== undefined },
  );
  if (step === 'replace' && row?.['.id']) await conn.command('/certificate/remove', [`=.id=${row['.id']}`]);
  if (step === 'add' || step === 'replace') {
    await conn.command('/certificate/add', [
      `=name=${API_SSL_CERTIFICATE}`,
      `=common-name=${commonName}`,
      '=days-valid=3650',
      `=key-usage=${API_SSL_KEY_USAGE}`,
    ]);
  }
  if (step !== 'use') {
    await conn.command('/certificate/sign', [`=number=${API_SSL_CERTIFICATE}`], SIGN_TIMEOUT_MS);
  }
  // `sign` may answer before the key exists: read back, bounded, until it shows key and fingerprint.
  let fingerprint: string | undefined;
  for (let i = 0; i < SIGN_POLL.tries && fingerprint === undefined; i += 1) {
    if (i > 0) await pause(SIGN_POLL.everyMs);
    row = await findCertificate(conn);
    fingerprint = fingerprintOf(row);
  }
  if (fingerprint === undefined) {
    fail(
      'timeout',
      `The router did not finish signing the certificate "${API_SSL_CERTIFICATE}" in time; nothing was pinned. Connect again in a minute: the wizard carries on from there.`,
      JSON.stringify(row ?? {}),
    );
  }
  return fingerprint;
}

/** The api-ssl service's own row: never a live connection printed under its name (7.19+). */
async function apiSslService(conn: RouterConnection): Promise<Row> {
  const rows = await conn.command('/ip/service/print', ['?name=api-ssl']);
  const row = staticServiceRow(rows, 'api-ssl');
  if (!row?.['.id']) {
    fail(
      'io_failed',
      'The router has no single api-ssl service to give the certificate to.',
      `rows named api-ssl: ${rows.length}`,
    );
  }
  return row;
}

/**
 * Puts the certificate on api-ssl. Changing the service's certificate may end the very api-ssl
 * session that asks for it: then the answer is 'dropped', and the caller confirms by coming back
 * pinned (the new certificate is then what api-ssl presents).
 */
export async function assignApiSslCertificate(conn: RouterConnection): Promise<'assigned' | 'dropped'> {
  const service = await apiSslService(conn);
  if (service.certificate === API_SSL_CERTIFICATE) return 'assigned';
  try {
    await conn.command('/ip/service/set', [`=.id=${service['.id']}`, `=certificate=${API_SSL_CERTIFICATE}`]);
    const now = await apiSslService(conn);
    if (now.certificate !== API_SSL_CERTIFICATE)
      fail('io_failed', `The router kept api-ssl's certificate "${now.certificate ?? 'none'}".`);
    return 'assigned';
  } catch (caught) {
    if (caught instanceof Failure && caught.error.code === 'transport_closed') return 'dropped';
    throw caught;
  }
}
