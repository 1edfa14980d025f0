/**
 * The bundle signers the technician trusts. Trusting a key says: snapshots in
 * bundles this installation signed may be rolled back to, under the same
 * checks as a snapshot taken here. Without that, an imported run is history to
 * read. A key is added by the technician only, never by a bundle.
 */
import { createHash } from 'node:crypto';
import { fail } from '../../contract/errors';
import type { ImportedFrom, TrustedSigner } from '../../contract/types';
import type { Db } from './db';

const RAW_KEY = /^[A-Za-z0-9+/]{43}=$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** SHA256:… of a raw Ed25519 public key (base64), as the app shows keys. */
export function keyFingerprint(rawBase64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(rawBase64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

/** A raw Ed25519 public key: 32 bytes, base64. */
export const isRawPublicKey = (text: string): boolean =>
  RAW_KEY.test(text) && Buffer.from(text, 'base64').length === 32;

interface Row {
  public_key: string;
  fingerprint: string;
  name: string;
  added_at: string;
}

const fromRow = (r: Row): TrustedSigner => ({
  publicKey: r.public_key,
  fingerprint: r.fingerprint,
  name: r.name,
  addedAt: r.added_at,
});

export function listTrusted(db: Db): TrustedSigner[] {
  return db.prepare<[], Row>('SELECT * FROM trusted_signers ORDER BY added_at, fingerprint').all().map(fromRow);
}

/** The public keys of signers of imported runs, by fingerprint: how `trust add SHA256:…` finds the key. */
function seenKeys(db: Db): Map<string, string> {
  const out = new Map<string, string>();
  const rows = db
    .prepare<[], { key: unknown; public_key: unknown }>(
      `SELECT json_extract(signer, '$.key') AS key, json_extract(signer, '$.publicKey') AS public_key
       FROM runs WHERE origin = 'imported' AND json_valid(signer)`,
    )
    .all();
  for (const r of rows) {
    // The stored key is checked against its fingerprint: a note that does not match is no key.
    if (typeof r.public_key === 'string' && isRawPublicKey(r.public_key) && r.key === keyFingerprint(r.public_key)) {
      out.set(r.key, r.public_key);
    }
  }
  return out;
}

/**
 * Trusts a key given as its raw public key, or as the fingerprint of a signer
 * whose bundle is already imported here (the technician compares that
 * fingerprint with the one the colleague reads out from their app).
 */
export function trustSigner(db: Db, given: { key: string; name: string }, now: string): TrustedSigner {
  const key = given.key.trim();
  const name = given.name.trim();
  if (name === '' || name.length > 128) fail('invalid_input', 'Give the trusted installation a name (who it is).');
  let publicKey: string | undefined;
  if (isRawPublicKey(key)) publicKey = key;
  else if (FINGERPRINT.test(key)) {
    publicKey = seenKeys(db).get(key);
    if (!publicKey) {
      fail(
        'invalid_input',
        `No imported bundle here was signed by ${key}: import one of that installation's bundles first, or give its public key.`,
      );
    }
  } else {
    fail(
      'invalid_input',
      'That is neither a bundle signing key (44 characters of base64) nor a fingerprint (SHA256:…).',
      `given: ${key.slice(0, 80)}`,
    );
  }
  const fingerprint = keyFingerprint(publicKey);
  db.prepare(
    `INSERT INTO trusted_signers (public_key, fingerprint, name, added_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (public_key) DO UPDATE SET name = excluded.name`,
  ).run(publicKey, fingerprint, name, now);
  return fromRow(db.prepare<[string], Row>('SELECT * FROM trusted_signers WHERE public_key = ?').get(publicKey)!);
}

/** Stops trusting a key (given as the key or its fingerprint); whether it was trusted. */
export function untrustSigner(db: Db, key: string): boolean {
  const k = key.trim();
  return db.prepare('DELETE FROM trusted_signers WHERE public_key = ? OR fingerprint = ?').run(k, k).changes > 0;
}

/**
 * An imported run's signature with the trust worked out now: trusted when its
 * key is on the list, or is this installation's own.
 */
export function withTrust(db: Db, from: ImportedFrom): ImportedFrom {
  const { trusted: _ignored, signerName: _name, ...plain } = from;
  if (from.signature === 'unsigned' || !from.key) return { ...plain, trusted: false };
  if (from.signature === 'this-installation') return { ...plain, trusted: true };
  const row = db.prepare<[string], Row>('SELECT * FROM trusted_signers WHERE fingerprint = ?').get(from.key);
  return row ? { ...plain, trusted: true, signerName: row.name } : { ...plain, trusted: false };
}
