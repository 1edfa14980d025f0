import type { KeyPrompt } from '../store/load';

/**
 * A certificate or host key seen for the first time, or changed: the
 * technician compares the fingerprint with the device before accepting.
 */
export function KeyPromptNote({ prompt, what, onAccept }: { prompt: KeyPrompt; what: string; onAccept: () => void }) {
  return (
    <div className={prompt.changed ? 'note note-error' : 'note'} role="alert">
      <p>
        <strong>{prompt.message}</strong>
      </p>
      <p>
        {what} fingerprint: <code className="mono fingerprint">{prompt.fingerprint}</code>
      </p>
      <button type="button" className={prompt.changed ? 'danger' : 'primary'} onClick={onAccept}>
        {prompt.changed ? `Replace the accepted ${what.toLowerCase()}` : `Accept this ${what.toLowerCase()}`}
      </button>
    </div>
  );
}
