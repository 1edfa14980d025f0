import type { ImportedFrom } from '../../../contract/types';
import { useWizard } from '../store/context';
import { canTrust, canUntrust, importedBadge, importTrustSentence } from '../store/history';
import { TrustSigner } from './TrustSigner';

/** Said once above the runs when any was imported: what an imported run may and may not be used for. */
export function ImportedRunsNote() {
  return (
    <p className="muted">
      Imported runs are history to read: nothing in them is ever applied, confirmed or verified. Only a bundle signed by
      an installation you trust can be rolled back to: the rollback is planned afresh against the boxes as they are now,
      under the same checks as your own snapshots, shown, and applied only when you confirm.
    </p>
  );
}

/** An imported run's badge, who signed it, and the way to trust (or stop trusting) its signer. */
export function ImportedTrust({ from }: { from: ImportedFrom }) {
  const busy = useWizard((s) => s.trustChange.status === 'loading');
  const untrustSigner = useWizard((s) => s.untrustSigner);
  return (
    <>
      <span className="badge badge-read-only">read-only</span>
      <div className="muted small fingerprint">{importedBadge(from)}</div>
      <p className="small" aria-label="Import trust">
        {importTrustSentence(from)}
      </p>
      {canTrust(from) && <TrustSigner from={from} />}
      {canUntrust(from) && (
        <button type="button" disabled={busy} onClick={() => void untrustSigner(from)}>
          Stop trusting {from.key}
        </button>
      )}
    </>
  );
}
