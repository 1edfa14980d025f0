/** The storage fault sentences: what happened, the fix, then what the operation had done (issue 28 item 5). */
import { describe, expect, it } from 'vitest';
import { storageError, storageFaultOf } from '../../../electron/store/faults';

describe('storageFaultOf: another process holding the history', () => {
  it.each([
    [{ code: 'SQLITE_BUSY', message: 'database is locked' }, 'locked'],
    [{ code: 'ERR_SQLITE_ERROR', errcode: 5, message: 'database is locked' }, 'locked'],
    [{ code: 'ERR_SQLITE_ERROR', errcode: 517, message: 'database is locked' }, 'locked'],
    ['SqliteError: database table is locked', 'locked'],
  ])('%o is %s', (caught, fault) => {
    expect(storageFaultOf(caught)).toBe(fault);
  });
});

describe('storageError', () => {
  const dir = '/home/tech/.config/fspbx-nat';

  it('says nothing was recorded or sent when the history could not be opened', () => {
    expect(storageError('full', dir, 'SQLITE_FULL').message).toBe(
      `The disk holding the wizard's data folder (${dir}) is full: free some space, then run the command again. Nothing was recorded, and nothing was sent to the router or the PBX.`,
    );
  });

  it('counts what a run had sent, in the singular for one', () => {
    const one = storageError('full', dir, '', { after: { kind: 'sent', runId: 'r-1', sent: 1 } });
    expect(one.message).toMatch(/run r-1 had sent 1 change or PBX step when it stopped/);
    const many = storageError('read-only', dir, '', { after: { kind: 'sent', runId: 'r-1', sent: 12 } });
    expect(many.message).toMatch(
      /^The wizard's data folder .* is read-only: make it writable, .*run r-1 had sent 12 changes and PBX steps when it stopped .* verify the run or roll it back\.$/,
    );
  });

  it('names the damaged file, and keeps the detail apart from the sentence', () => {
    const error = storageError('damaged', dir, 'SqliteError SQLITE_CORRUPT: database disk image is malformed', {
      file: `${dir}/wizard.db`,
      after: { kind: 'nothing-changed' },
    });
    expect(error).toEqual({
      code: 'io_failed',
      message: `The wizard's history ${dir}/wizard.db is damaged and cannot be read: move it out of the folder and keep it for support (the wizard then starts a new, empty history), then run the command again. Nothing was changed on the router or the PBX.`,
      detail: 'SqliteError SQLITE_CORRUPT: database disk image is malformed',
    });
  });

  it('after a confirm or another locked step, points to History and verify', () => {
    expect(storageError('locked', dir, '', { after: { kind: 'unsure', runId: 'r-2' } }).message).toBe(
      `Another program is writing to the wizard's history in ${dir} (another fspbx-nat, browser mode or the desktop app): let it finish or close it, then look at History for run r-2: the router or the PBX may hold more than it records, so verify the run before anything else.`,
    );
  });
});
