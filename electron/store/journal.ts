import type { Target } from '../../contract/types';
import type { Db } from './db';
import { refuseImported } from './runs';
import type { JournalEntry, JournalStatus } from './types';

interface JournalRow {
  run_id: string;
  seq: number;
  change_id: string;
  target: Target;
  status: JournalStatus;
  detail: string | null;
  at: string;
}

/**
 * Every change is journalled as 'sending' before it goes out and updated when
 * the answer comes back, so after a crash the journal tells apart what surely
 * happened, what surely did not, and what may have (still 'sending').
 */
export function journalSend(db: Db, runId: string, changeId: string, target: Target, now: string): number {
  refuseImported(db, runId);
  const next = db
    .prepare<[string], { seq: number }>('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM journal WHERE run_id = ?')
    .get(runId)!.seq;
  db.prepare("INSERT INTO journal (run_id, seq, change_id, target, status, at) VALUES (?, ?, ?, ?, 'sending', ?)").run(
    runId,
    next,
    changeId,
    target,
    now,
  );
  return next;
}

export function journalResult(
  db: Db,
  runId: string,
  seq: number,
  status: Exclude<JournalStatus, 'sending'>,
  now: string,
  detail?: string,
): void {
  db.prepare('UPDATE journal SET status = ?, detail = ?, at = ? WHERE run_id = ? AND seq = ?').run(
    status,
    detail ?? null,
    now,
    runId,
    seq,
  );
}

export function readJournal(db: Db, runId: string): JournalEntry[] {
  return db
    .prepare<[string], JournalRow>('SELECT * FROM journal WHERE run_id = ? ORDER BY seq')
    .all(runId)
    .map((r) => {
      const entry: JournalEntry = {
        runId: r.run_id,
        seq: r.seq,
        changeId: r.change_id,
        target: r.target,
        status: r.status,
        at: r.at,
      };
      if (r.detail !== null) entry.detail = r.detail;
      return entry;
    });
}
