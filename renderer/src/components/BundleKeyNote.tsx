import { useWizard } from '../store/context';

/** What a bundle's signature proves and what it does not (README, "Config bundles"). */
export const SIGNATURE_MEANS =
  'A signature proves that a bundle was made by the installation holding that key and has not changed since; it does not prove that what the bundle says is true.';

/**
 * This installation's bundle signing key, where a technician compares it with
 * the one an imported bundle names or the one a colleague's doctor shows.
 */
export function BundleKeyNote() {
  const info = useWizard((s) => s.info);
  if (info.status !== 'done') return null;
  const key = info.value.bundleKey;
  return (
    <div className="note" role="note" aria-label="Bundle signing key">
      {key ? (
        <p>
          This installation signs bundles with key <code className="mono fingerprint">{key}</code>.
        </p>
      ) : (
        <p className="warn">
          This installation&apos;s bundle signing key could not be read, so bundles cannot be exported:{' '}
          <code className="mono">fspbx-nat doctor</code> says why.
        </p>
      )}
      <p className="muted">{SIGNATURE_MEANS}</p>
    </div>
  );
}
