/**
 * The store as every front end gets it: a fault of the disk or of SQLite inside any of its methods
 * (a full disk, a read-only folder, a damaged file, another process's lock) becomes one AppError,
 * `io_failed`, whose sentence says what happened, what to do, and what the operation under way had
 * done to the boxes; the error's first line is the detail for the log, never a stack. Anything
 * else a method throws (a refusal, a bug) passes through as it is.
 *
 * What an operation had done is known from the store itself: an apply or rollback holds its locks
 * (withLocks) for its whole length and journals every change before it goes out (journalSend)
 * and when its answer comes (journalResult), so the calls seen inside that lock's async context
 * are what was sent. An operation that takes no lock (plan, verify, export, history) changes
 * nothing on a box.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Failure } from '../../contract/errors';
import { storageError, storageFaultIn, type Aftermath } from './faults';
import { runLockKey } from './locks';

/** The part of the store the guard reads the calls of; the rest is guarded without being looked at. */
export interface Guardable {
  withLocks<T>(keys: readonly string[], purpose: string, work: () => Promise<T>): Promise<T>;
}

/** What the operation holding the locks has journalled so far. */
interface Operation {
  purpose: string;
  runId: string | undefined;
  /** Answers that came back: each was sent, whether or not its answer reached the disk. */
  answered: number;
}

/** Purposes whose only writes to the boxes are journalled changes (site/run.ts). */
const SENDING = new Set(['apply', 'rollback']);
/** Purposes that hold the locks to read a box and record what it says, changing nothing (site/revert-state.ts). */
const READING = new Set(['revert check']);

function aftermathOf(operation: Operation | undefined): Aftermath {
  if (operation === undefined || READING.has(operation.purpose)) return { kind: 'nothing-changed' };
  // Any other (confirm switches the router's undo off unjournalled): what the boxes hold is to be checked.
  if (!SENDING.has(operation.purpose)) {
    return operation.runId === undefined ? { kind: 'unsure' } : { kind: 'unsure', runId: operation.runId };
  }
  // Every id of a box is journalled before its first is sent: no answer yet means nothing went out.
  if (operation.answered === 0 || operation.runId === undefined) return { kind: 'nothing-sent' };
  return { kind: 'sent', runId: operation.runId, sent: operation.answered };
}

/** One line for the log: the error's name, SQLite's or the system's code, and its message. */
function detailOf(caught: unknown): string {
  if (!(caught instanceof Error)) return String(caught).split('\n')[0] ?? '';
  const code = (caught as NodeJS.ErrnoException).code;
  return `${caught.name}${typeof code === 'string' ? ` ${code}` : ''}: ${caught.message.split('\n')[0] ?? ''}`;
}

/** The store with every method guarded. `file` is the history's path, named when it is damaged. */
export function guardStore<S extends Guardable>(store: S, where: { dataDir: string; file: string }): S {
  const current = new AsyncLocalStorage<Operation>();

  const translate = (caught: unknown): unknown => {
    if (caught instanceof Failure) return caught;
    const fault = storageFaultIn(caught, where.dataDir);
    if (fault === undefined) return caught;
    return new Failure(
      storageError(fault, where.dataDir, detailOf(caught), {
        file: where.file,
        after: aftermathOf(current.getStore()),
      }),
    );
  };

  const withLocks = async <T>(keys: readonly string[], purpose: string, work: () => Promise<T>): Promise<T> => {
    const runPrefix = runLockKey('');
    const runKey = keys.find((k) => k.startsWith(runPrefix));
    const operation: Operation = { purpose, runId: runKey?.slice(runPrefix.length), answered: 0 };
    // The work's own failure (a refused change, a lost link) is its own, told as it is: its store
    // calls are guarded one by one; only the taking and giving back of the locks is translated here.
    let outcome: { failed: unknown } | undefined;
    try {
      return await current.run(operation, () =>
        store.withLocks(keys, purpose, async () => {
          try {
            return await work();
          } catch (caught) {
            outcome = { failed: caught };
            throw caught;
          }
        }),
      );
    } catch (caught) {
      if (outcome !== undefined) throw outcome.failed;
      throw current.run(operation, () => translate(caught));
    }
  };

  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'withLocks') return withLocks;
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        // An answer is counted before it is written: a change that went out was sent, whatever the disk says.
        const operation = current.getStore();
        if (key === 'journalResult' && operation !== undefined) operation.answered += 1;
        try {
          const result: unknown = Reflect.apply(value, target, args);
          // A method that answers later is guarded the same way.
          if (result instanceof Promise) {
            return result.catch((caught: unknown) => {
              throw translate(caught);
            });
          }
          return result;
        } catch (caught) {
          throw translate(caught);
        }
      };
    },
  });
}
