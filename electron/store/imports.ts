/**
 * Puts a run read from a bundle back into history under its own ids, in one
 * transaction: all of it or nothing.
 */
import { fail } from '../../contract/errors';
import type { Db } from './db';
import { snapshotDigest } from './snapshots';
import type { JournalEntry, RunRecord, SiteRecord, SnapshotRecord } from './types';

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

export function importRun(
  db: Db,
  data: { site: SiteRecord; run: RunRecord; journal: JournalEntry[]; snapshot?: SnapshotRecord },
  now: string,
): void {
  const { site, run, journal, snapshot } = data;
  if (db.prepare('SELECT 1 FROM runs WHERE run_id = ?').get(run.runId)) {
    fail('invalid_input', 'This run is already in the history; nothing was imported.', `run ${run.runId}`);
  }
  db.transaction(() => {
    const existing = db
      .prepare<[string, string], { site_id: string }>(
        'SELECT site_id FROM sites WHERE router_host = ? AND pbx_host = ?',
      )
      .get(site.routerHost, site.pbxHost);
    // A site already known here keeps its own pins: a bundle never replaces what was accepted on this laptop.
    const siteId = existing?.site_id ?? site.siteId;
    if (!existing) {
      db.prepare(
        `INSERT INTO sites (site_id, name, router_host, router_identity, router_tls_fingerprint, pbx_host, pbx_host_key, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        siteId,
        site.name,
        site.routerHost,
        site.routerIdentity ?? null,
        site.routerTlsFingerprint ?? null,
        site.pbxHost,
        site.pbxHostKey ?? null,
        site.createdAt,
        now,
      );
    }
    db.prepare(
      `INSERT INTO runs (run_id, site_id, kind, status, inputs_json, plan_json, change_count, result_json, snapshot_id,
         rollback_of, started_at, updated_at, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)`,
    ).run(
      run.runId,
      siteId,
      run.kind,
      run.status,
      JSON.stringify(run.inputs),
      JSON.stringify(run.plan),
      run.plan.changes.length,
      json(run.result),
      run.rollbackOf ?? null,
      run.startedAt,
      now,
      run.finishedAt ?? null,
    );
    if (snapshot) {
      const row = {
        router_json: json(snapshot.router),
        pbx_json: json(snapshot.pbx),
        router_export: snapshot.routerExport ?? null,
        pbx_reference: snapshot.pbxReference ?? null,
      };
      if (snapshotDigest(row) !== snapshot.sha256) {
        fail('invalid_input', "The bundle's snapshot does not match its checksum; nothing was imported.");
      }
      db.prepare(
        `INSERT INTO snapshots (snapshot_id, run_id, site_id, taken_at, router_json, pbx_json, router_export, pbx_reference, sha256)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        snapshot.snapshotId,
        run.runId,
        siteId,
        snapshot.takenAt,
        row.router_json,
        row.pbx_json,
        row.router_export,
        row.pbx_reference,
        snapshot.sha256,
      );
      db.prepare('UPDATE runs SET snapshot_id = ? WHERE run_id = ?').run(snapshot.snapshotId, run.runId);
    }
    const insert = db.prepare(
      'INSERT INTO journal (run_id, seq, change_id, target, status, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const j of journal) insert.run(run.runId, j.seq, j.changeId, j.target, j.status, j.detail ?? null, j.at);
  })();
}
