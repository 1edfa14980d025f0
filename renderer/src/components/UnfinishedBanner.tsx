import { useWizard } from '../store/context';
import { isUnfinished } from '../store/history';

/**
 * After a crash or a killed app, the run that was under way is still in the
 * history: say so on start, before the technician does anything else.
 */
export function UnfinishedBanner() {
  const runs = useWizard((s) => s.runs);
  const showView = useWizard((s) => s.showView);
  if (runs.status !== 'done') return null;
  const unfinished = runs.value.filter(isUnfinished);
  if (unfinished.length === 0) return null;
  const run = unfinished[0]!;
  return (
    <div className="note note-error banner" role="alert">
      <strong>A run did not finish</strong> ({run.status}, started {new Date(run.startedAt).toLocaleString()}). If it
      was never confirmed, the router undoes its changes by itself; the PBX keeps them until you roll back.{' '}
      <button type="button" onClick={() => showView('history')}>
        Open History
      </button>
    </div>
  );
}
