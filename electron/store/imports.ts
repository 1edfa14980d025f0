/**
 * Puts a run read from a bundle back into history under its own ids, in one
 * transaction: all of it or nothing. It goes in marked as imported, with who
 * signed it: history to read. No path applies an imported run, and its
 * snapshot is kept only in the narrowed form a restore may use.
 */
import { randomUUID } from 'node:crypto';
import type { ImportedFrom } from '../../contract/types';
import { fail } from '../../contract/errors';
import type { Db } from './db';
import { parseSnapshotParts, SchemaError } from './schemas';
import { snapshotDigest } from './snapshots';
import type { BoxIdentity, JournalEntry, SiteRecord } from './types';
import type { BundledRun } from './visit';

/** A snapshot as a bundle carries it: its router and PBX parts are checked here, field by field. */
export interface BundledSnapshot {
  snapshotId: string;
  takenAt: string;
  router?: unknown;
  pbx?: unknown;
  routerExport?: string;
  pbxReference?: string;
  box?: BoxIdentity;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

export function importRun(
  db: Db,
  data: { site: SiteRecord; run: BundledRun; journal: JournalEntry[]; snapshot?: BundledSnapshot },
  signature: ImportedFrom,
  now: string,
): void {
  const { site, run, journal, snapshot } = data;
  if (db.prepare('SELECT 1 FROM runs WHERE run_id = ?').get(run.runId)) {
    fail('invalid_input', 'This run is already in the history; nothing was imported.', `run ${run.runId}`);
  }
  if (snapshot && db.prepare('SELECT 1 FROM snapshots WHERE snapshot_id = ?').get(snapshot.snapshotId)) {
    fail('invalid_input', "This bundle's snapshot is already in the history; nothing was imported.");
  }
  let narrowed: ReturnType<typeof parseSnapshotParts> = {};
  if (snapshot) {
    try {
      narrowed = parseSnapshotParts(snapshot, 'imported');
    } catch (caught) {
      return fail(
        'invalid_input',
        "This bundle's snapshot holds things the wizard never restores; nothing was imported.",
        caught instanceof SchemaError ? caught.message : String(caught),
      );
    }
  }
  db.transaction(() => {
    // Customers share MikroTik's default 192.168.88.x: the same addresses are the same site only
    // when the router names itself the same too. A site already known here keeps its own pins:
    // a bundle never replaces what was accepted on this laptop.
    const existing = db
      .prepare<[string, string, string | null], { site_id: string }>(
        'SELECT site_id FROM sites WHERE router_host = ? AND pbx_host = ? AND router_identity IS ?',
      )
      .get(site.routerHost, site.pbxHost, site.routerIdentity ?? null);
    const taken =
      !existing &&
      db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM sites WHERE site_id = ?').get(site.siteId)!.n > 0;
    const siteId = existing?.site_id ?? (taken ? randomUUID() : site.siteId);
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
         rollback_of, started_at, updated_at, finished_at, origin, signer, format, facts_json, control_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, 'imported', ?, ?, ?, ?)`,
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
      JSON.stringify(signature),
      run.format,
      json(run.facts),
      json(run.control),
    );
    if (snapshot) {
      // The bundle's own bytes are vouched for by its manifest and seal; the digest here guards the stored copy.
      const row = {
        router_json: json(narrowed.router),
        pbx_json: json(narrowed.pbx),
        router_export: snapshot.routerExport ?? null,
        pbx_reference: snapshot.pbxReference ?? null,
        box_json: json(snapshot.box),
      };
      db.prepare(
        `INSERT INTO snapshots (snapshot_id, run_id, site_id, taken_at, router_json, pbx_json, router_export, pbx_reference,
           box_json, origin, sha256)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'imported', ?)`,
      ).run(
        snapshot.snapshotId,
        run.runId,
        siteId,
        snapshot.takenAt,
        row.router_json,
        row.pbx_json,
        row.router_export,
        row.pbx_reference,
        row.box_json,
        snapshotDigest(row),
      );
      db.prepare('UPDATE runs SET snapshot_id = ? WHERE run_id = ?').run(snapshot.snapshotId, run.runId);
    }
    const insert = db.prepare(
      'INSERT INTO journal (run_id, seq, change_id, target, status, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const j of journal) insert.run(run.runId, j.seq, j.changeId, j.target, j.status, j.detail ?? null, j.at);
  })();
}
