import type { RollbackFlag } from '../../../contract/types';

/**
 * What matters in a rollback's snapshot, shown before its changes (issue 21): firewall rules,
 * `disabled`, forwards, auth and registration settings, commands. Each says whether the rollback
 * restores it and what it would do; what the wizard does not manage is shown for reading only.
 */
export function RollbackFlags({ flags }: { flags: readonly RollbackFlag[] }) {
  if (flags.length === 0) return null;
  const kept = flags.filter((f) => !f.restored).length;
  const serious = flags.some((f) => f.serious && !f.restored);
  return (
    <div
      className={serious ? 'note note-error' : 'note'}
      role={serious ? 'alert' : 'status'}
      aria-label="Read this first"
    >
      <p>
        <strong>
          {kept > 0
            ? `Read this first: ${kept} thing${kept === 1 ? '' : 's'} in this snapshot ${kept === 1 ? 'is' : 'are'} not restored. The wizard does not manage ${kept === 1 ? 'it' : 'them'}, so ${kept === 1 ? 'it is' : 'they are'} shown for reading only and never sent.`
            : 'Read this first: what this rollback changes that matters.'}
        </strong>
      </p>
      <ul>
        {flags.map((f, i) => (
          <li key={`${f.target}-${i}`}>
            <strong>{f.restored ? 'Restored' : 'Not restored'}</strong> ({f.target === 'router' ? 'router' : 'PBX'}){' '}
            <code>{f.subject}</code>: <code>{f.change}</code>. {f.consequence}
          </li>
        ))}
      </ul>
    </div>
  );
}
