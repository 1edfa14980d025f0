import type { Target } from '../../contract/types';
import type { Db } from './db';
import type { SecretBox } from './types';

/**
 * Remembers a password only as OS-keychain ciphertext. Without a keychain it
 * remembers nothing and says so: a clear-text copy is never the fallback.
 */
export function rememberSecret(
  db: Db,
  box: SecretBox,
  entry: { siteId: string; target: Target; username: string; secret: string },
  now: string,
): boolean {
  if (!box.available()) return false;
  db.prepare(
    `INSERT INTO credentials (site_id, target, username, secret_enc, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (site_id, target) DO UPDATE SET username = excluded.username, secret_enc = excluded.secret_enc,
       updated_at = excluded.updated_at`,
  ).run(entry.siteId, entry.target, entry.username, box.encrypt(entry.secret), now);
  return true;
}

export function recallSecret(
  db: Db,
  box: SecretBox,
  siteId: string,
  target: Target,
): { username: string; secret: string } | undefined {
  if (!box.available()) return undefined;
  const row = db
    .prepare<[string, string], { username: string; secret_enc: Buffer }>(
      'SELECT username, secret_enc FROM credentials WHERE site_id = ? AND target = ?',
    )
    .get(siteId, target);
  if (!row) return undefined;
  try {
    return { username: row.username, secret: box.decrypt(row.secret_enc) };
  } catch {
    // A keychain that changed (another OS user, a reinstall) cannot open it: ask again.
    return undefined;
  }
}

export function forgetSecrets(db: Db, siteId: string): void {
  db.prepare('DELETE FROM credentials WHERE site_id = ?').run(siteId);
}
