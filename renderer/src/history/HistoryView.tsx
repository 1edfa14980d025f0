import { ImportBundle } from './ImportBundle';
import { RollbackReview } from './RollbackReview';
import { ExportedNote, RunList } from './RunList';
import { TrustedSigners } from './TrustedSigners';

/**
 * History: the runs of every site, the rollback review of a picked snapshot, the trusted bundle
 * signers and the import. Each part reads only the state it shows.
 */
export function HistoryView() {
  return (
    <section aria-labelledby="history-title" className="panel">
      <h1 id="history-title" tabIndex={-1}>
        History
      </h1>
      <p className="lead">Every run on every site, newest first. Export a run as a config bundle, or import one.</p>
      <RunList />
      <ExportedNote />
      <TrustedSigners />
      <RollbackReview />
      <ImportBundle />
    </section>
  );
}
