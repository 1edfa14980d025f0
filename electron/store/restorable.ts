/**
 * The one gate before a rollback is planned from a snapshot: it must say which
 * boxes it was taken of, and, when it came from a bundle, be signed by an
 * installation the technician trusts. Each refusal is one sentence.
 */
import { fail } from '../../contract/errors';
import { importTrustSentence, mayRollBackTo } from '../../contract/trust';
import type { Db } from './db';
import { getRun } from './runs';
import { getSnapshot } from './snapshots';
import type { SnapshotRecord } from './types';

export function snapshotForRollback(db: Db, snapshotId: string): SnapshotRecord {
  const snapshot = getSnapshot(db, snapshotId);
  if (snapshot.origin === 'imported') {
    const from = getRun(db, snapshot.runId).imported ?? { signature: 'unsigned' as const };
    if (!mayRollBackTo(from)) fail('invalid_input', importTrustSentence(from), `snapshot ${snapshotId}`);
  }
  const box = snapshot.box;
  if (!box || (snapshot.router && !box.router) || (snapshot.pbx && !box.pbx)) {
    fail(
      'invalid_input',
      'This snapshot does not record which router and PBX it was taken of, so it could belong to any site: it can be read, not rolled back to.',
      `snapshot ${snapshotId}: no box identity`,
    );
  }
  return snapshot;
}
