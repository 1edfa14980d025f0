import { createHash, randomUUID } from 'node:crypto';
import { fail } from '../../contract/errors';
import { boxOf } from './box';
import type { Db } from './db';
import { boxIdentitySchema, parseJsonColumn, parseSnapshotParts, SchemaError, type BoxIdentity } from './schemas';
import type { SnapshotContent, SnapshotRecord } from './types';

interface SnapshotRow {
  snapshot_id: string;
  run_id: string;
  site_id: string;
  taken_at: string;
  router_json: string | null;
  pbx_json: string | null;
  router_export: string | null;
  pbx_reference: string | null;
  sha256: string;
  origin: 'local' | 'imported';
  box_json: string | null;
}

const toJson = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** Over exactly the stored text, so a changed byte anywhere is caught when the snapshot is read back. */
export function snapshotDigest(
  row: Pick<SnapshotRow, 'router_json' | 'pbx_json' | 'router_export' | 'pbx_reference'> & {
    box_json?: string | null;
  },
): string {
  const hash = createHash('sha256');
  for (const part of [row.router_json, row.pbx_json, row.router_export, row.pbx_reference]) {
    hash.update(part === null ? '\u0000null' : `\u0001${part.length}:${part}`);
  }
  // Snapshots saved before boxes were recorded keep their digest.
  if (row.box_json !== undefined && row.box_json !== null) hash.update(`\u0002${row.box_json.length}:${row.box_json}`);
  return hash.digest('hex');
}

/** The SSH host key last accepted for this site's PBX address, if any. */
function pbxHostKeyOf(db: Db, siteId: string): string | undefined {
  return db
    .prepare<[string], { fingerprint: string }>(
      `SELECT k.fingerprint FROM known_hosts k JOIN sites s ON s.pbx_host = k.host
       WHERE s.site_id = ? AND k.kind = 'ssh' ORDER BY k.accepted_at DESC LIMIT 1`,
    )
    .get(siteId)?.fingerprint;
}

/**
 * Written in its own transaction, fsynced (synchronous=FULL) before it
 * returns: the caller may send the first change only after this.
 */
export function saveSnapshot(
  db: Db,
  runId: string,
  siteId: string,
  content: SnapshotContent,
  now: string,
  /** The SSH host key the PBX was reached with now; else the one last accepted for the site's PBX address. */
  pbxHostKey?: string,
): SnapshotRecord {
  const row = {
    router_json: toJson(content.router),
    pbx_json: toJson(content.pbx),
    router_export: content.routerExport ?? null,
    pbx_reference: content.pbxReference ?? null,
    box_json: JSON.stringify(boxOf(content.router, content.pbx, pbxHostKey ?? pbxHostKeyOf(db, siteId))),
  };
  const snapshotId = randomUUID();
  db.transaction(() => {
    db.prepare(
      `INSERT INTO snapshots (snapshot_id, run_id, site_id, taken_at, router_json, pbx_json, router_export, pbx_reference,
         box_json, sha256)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      snapshotId,
      runId,
      siteId,
      now,
      row.router_json,
      row.pbx_json,
      row.router_export,
      row.pbx_reference,
      row.box_json,
      snapshotDigest(row),
    );
    db.prepare('UPDATE runs SET snapshot_id = ?, updated_at = ? WHERE run_id = ?').run(snapshotId, now, runId);
  })();
  return getSnapshot(db, snapshotId);
}

export function getSnapshot(db: Db, snapshotId: string): SnapshotRecord {
  const row = db.prepare<[string], SnapshotRow>('SELECT * FROM snapshots WHERE snapshot_id = ?').get(snapshotId);
  if (!row) return fail('invalid_input', 'That snapshot is not in this history.', `snapshot ${snapshotId}`);
  if (snapshotDigest(row) !== row.sha256) {
    return fail(
      'io_failed',
      'This snapshot is damaged on disk and cannot be trusted for a rollback. Use an older snapshot or a bundle.',
      `snapshot ${snapshotId}: checksum mismatch`,
    );
  }
  let parts: ReturnType<typeof parseSnapshotParts>;
  let box: BoxIdentity | undefined;
  try {
    parts = parseSnapshotParts(
      {
        ...(row.router_json === null ? {} : { router: JSON.parse(row.router_json) as unknown }),
        ...(row.pbx_json === null ? {} : { pbx: JSON.parse(row.pbx_json) as unknown }),
      },
      row.origin,
    );
    if (row.box_json !== null) box = parseJsonColumn(boxIdentitySchema, row.box_json, 'snapshot box');
  } catch (caught) {
    return fail(
      'io_failed',
      'This snapshot is not in a form this version of the wizard can restore from. Use another snapshot or a bundle.',
      `snapshot ${snapshotId}: ${caught instanceof SchemaError ? caught.message : String(caught)}`,
    );
  }
  const record: SnapshotRecord = {
    snapshotId: row.snapshot_id,
    runId: row.run_id,
    siteId: row.site_id,
    takenAt: row.taken_at,
    sha256: row.sha256,
    origin: row.origin,
    ...parts,
  };
  if (box) record.box = box;
  if (row.router_export !== null) record.routerExport = row.router_export;
  if (row.pbx_reference !== null) record.pbxReference = row.pbx_reference;
  return record;
}

export function listSnapshots(db: Db, siteId: string): Array<Pick<SnapshotRecord, 'snapshotId' | 'runId' | 'takenAt'>> {
  return db
    .prepare<[string], { snapshot_id: string; run_id: string; taken_at: string }>(
      'SELECT snapshot_id, run_id, taken_at FROM snapshots WHERE site_id = ? ORDER BY taken_at DESC, rowid DESC',
    )
    .all(siteId)
    .map((r) => ({ snapshotId: r.snapshot_id, runId: r.run_id, takenAt: r.taken_at }));
}
