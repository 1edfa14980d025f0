/**
 * The fingerprints a technician accepted, per address: an SSH host key or an
 * API-SSL certificate seen again is checked against them, so a changed key is
 * caught on the next visit too, not only within one session.
 */
import type { Db } from './db';

export type KnownHostKind = 'ssh' | 'api-ssl';

export function knownFingerprint(db: Db, kind: KnownHostKind, host: string, port: number): string | undefined {
  return db
    .prepare<[string, string, number], { fingerprint: string }>(
      'SELECT fingerprint FROM known_hosts WHERE kind = ? AND host = ? AND port = ?',
    )
    .get(kind, host, port)?.fingerprint;
}

export function acceptFingerprint(
  db: Db,
  kind: KnownHostKind,
  host: string,
  port: number,
  fingerprint: string,
  now: string,
): void {
  db.prepare(
    `INSERT INTO known_hosts (kind, host, port, fingerprint, accepted_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (kind, host, port) DO UPDATE SET fingerprint = excluded.fingerprint, accepted_at = excluded.accepted_at`,
  ).run(kind, host, port, fingerprint, now);
}
