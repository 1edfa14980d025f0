import type { Change } from '../../../contract/types';

function values(v: Change['before']) {
  if (!v) return <span className="muted">—</span>;
  return (
    <span className="mono">
      {Object.entries(v).map(([k, val]) => (
        <span key={k} className="kv">
          {k}={val === null ? <i>NULL</i> : val}{' '}
        </span>
      ))}
    </span>
  );
}

/** One box's changes: where, before → after, and why. */
export function ChangeTable({ title, changes, level = 2 }: { title: string; changes: Change[]; level?: 2 | 3 }) {
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <div className="plan-side">
      <Heading>
        {title} ({changes.length})
      </Heading>
      {changes.length === 0 ? (
        <p className="muted">Nothing to change.</p>
      ) : (
        <table className="facts plan" aria-label={`${title} changes`}>
          <thead>
            <tr>
              <th scope="col">Where</th>
              <th scope="col">Before → after</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.id}>
                <td>
                  <span className={`action action-${c.action}`}>{c.action}</span> <code className="mono">{c.path}</code>
                </td>
                <td>
                  {values(c.before)} → {values(c.after)}
                </td>
                <td>{c.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
