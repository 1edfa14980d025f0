import { useState } from 'react';
import { BundleKeyNote } from '../components/BundleKeyNote';
import { ErrorNote } from '../components/ErrorNote';
import { useWizard } from '../store/context';
import { importTrustSentence } from '../store/history';

/** Read a config bundle back into History: by path, or with the system's dialog in the desktop app. */
export function ImportBundle() {
  const imported = useWizard((s) => s.imported);
  const importBundle = useWizard((s) => s.importBundle);
  const desktop = useWizard((s) => s.info.status === 'done' && s.info.value.frontEnd === 'electron');
  const [path, setPath] = useState('');
  return (
    <>
      <h2>Import a bundle</h2>
      <BundleKeyNote />
      <form
        className="actions"
        onSubmit={(e) => {
          e.preventDefault();
          void importBundle(path);
        }}
      >
        <input
          aria-label="Bundle file path"
          placeholder="/path/to/bundle.zip"
          value={path}
          onChange={(e) => setPath(e.target.value)}
        />
        <button type="submit" disabled={path.trim() === ''}>
          Import
        </button>
        {desktop && (
          <button type="button" onClick={() => void importBundle()}>
            Choose a file…
          </button>
        )}
      </form>
      {imported.status === 'done' && (
        <p role="status" className="note">
          {/* One sentence says who signed it and what it may be used for: the signer is not named twice. */}
          Imported run {imported.value.runId}: it is history, never applied.{' '}
          {imported.value.imported && importTrustSentence(imported.value.imported)}
        </p>
      )}
      {imported.status === 'error' && <ErrorNote error={imported.error} />}
    </>
  );
}
