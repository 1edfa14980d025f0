/**
 * The plan a run holds, read from the history in the data folder: the CLI's apply lines count its
 * changes and PBX steps apart with it (an ApplyResult lists only the ids it sent). Undefined when the
 * history cannot be read: the line then counts them together and says so.
 */
import type { Plan } from '../../contract/types';

export async function storedPlan(dataDir: string, runId: string): Promise<Plan | undefined> {
  // Loaded here, not at start-up: only apply and rollback-apply need the store in the CLI's own hands.
  const { openStore } = await import('../store');
  try {
    const store = openStore(dataDir);
    try {
      return store.getRun(runId).plan;
    } finally {
      store.close();
    }
  } catch {
    return undefined;
  }
}
