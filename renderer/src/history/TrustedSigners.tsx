import { ErrorNote } from '../components/ErrorNote';
import { useWizard } from '../store/context';

/** The installations whose signed bundles' snapshots may be rolled back to, each with a way to stop trusting it. */
export function TrustedSigners() {
  const trusted = useWizard((s) => s.trusted);
  const trustChange = useWizard((s) => s.trustChange);
  const untrustSigner = useWizard((s) => s.untrustSigner);
  return (
    <>
      {trustChange.status === 'error' && <ErrorNote error={trustChange.error} />}
      {trusted.status === 'done' && trusted.value.length > 0 && (
        <>
          <h2>Trusted bundle signers</h2>
          <p className="muted">
            Snapshots in bundles these installations signed can be rolled back to. A key says which installation made a
            bundle, not that what it holds is right: trust only colleagues whose fingerprint you compared with them.
          </p>
          <ul aria-label="Trusted signers">
            {trusted.value.map((t) => (
              <li key={t.publicKey}>
                <strong>{t.name}</strong> <code className="mono fingerprint">{t.fingerprint}</code>{' '}
                <span className="muted small">added {new Date(t.addedAt).toLocaleString()}</span>{' '}
                <button
                  type="button"
                  disabled={trustChange.status === 'loading'}
                  onClick={() =>
                    void untrustSigner({ signature: 'other-installation', key: t.fingerprint, publicKey: t.publicKey })
                  }
                >
                  Stop trusting
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
