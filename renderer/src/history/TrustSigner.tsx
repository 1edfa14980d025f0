import { useState } from 'react';
import type { ImportedFrom } from '../../../contract/types';
import { useWizard } from '../store/context';

/** Trust an imported run's signer: its fingerprint shown, a name asked for, nothing trusted by a click alone. */
export function TrustSigner({ from }: { from: ImportedFrom }) {
  const trustSigner = useWizard((s) => s.trustSigner);
  const busy = useWizard((s) => s.trustChange.status === 'loading');
  const [name, setName] = useState('');
  return (
    <form
      className="actions small"
      aria-label={`Trust ${from.key ?? 'this signer'}`}
      onSubmit={(e) => {
        e.preventDefault();
        void trustSigner(from, name.trim());
      }}
    >
      <span className="muted">
        Compare <code className="mono fingerprint">{from.key}</code> with the fingerprint your colleague reads from
        their app, then:
      </span>
      <input
        aria-label="Whose installation"
        placeholder="Colleague's name"
        maxLength={128}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit" disabled={busy || name.trim() === ''}>
        Trust this installation
      </button>
    </form>
  );
}
