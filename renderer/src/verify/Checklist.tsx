import type { CheckStatus, VerifyResult } from '../../../contract/types';
import { useWizard } from '../store/context';
import { STATUS_LOOK, checklist, tally, tallyText } from '../../../contract/checklist';

/** The status as a mark and a word, coloured: readable without the colour. */
export function StatusBadge({ status }: { status: CheckStatus }) {
  const look = STATUS_LOOK[status];
  return (
    <span className={`badge-status status-${status}`}>
      <span aria-hidden="true" className="status-mark">
        {look.mark}
      </span>{' '}
      {look.label}
    </span>
  );
}

/**
 * The checks grouped by where they looked, failures first. A failed check that
 * names a plan entry links to it in the review table.
 */
export function Checklist({ result, planned }: { result: VerifyResult; planned: ReadonlySet<string> }) {
  const showChange = useWizard((s) => s.showChange);
  const groups = checklist(result.checks);
  return (
    <div className="checklist" role="group" aria-label="Checks">
      <p className="verdict" role="status">
        <StatusBadge status={result.status} /> {tallyText(tally(result.checks))}
      </p>
      {groups.map((g) => (
        <section key={g.id} aria-labelledby={`checks-${g.id}`} className="check-group">
          <h2 id={`checks-${g.id}`}>
            {g.title} <span className="muted small">{tallyText(g.counts)}</span>
          </h2>
          <ul className="checks" aria-labelledby={`checks-${g.id}`}>
            {g.checks.map((c) => (
              <li key={c.id} className={c.status}>
                <StatusBadge status={c.status} />
                <div className="check-body">
                  <strong>{c.title}</strong>: {c.summary}
                  {c.fix && <div className="check-fix">{c.fix}</div>}
                  {c.changeId && planned.has(c.changeId) && (
                    <button
                      type="button"
                      className="link"
                      aria-label={`Show the plan entry for ${c.title}`}
                      onClick={() => showChange(c.changeId!)}
                    >
                      Show the plan entry
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
