import type { Change } from '../../../contract/types';
import { withAddresses } from './Addresses';

/**
 * What the router reports about an entry rather than how it is configured:
 * its traffic counters and state flags, and the API's own `.`-prefixed keys
 * (.id, .nextid). A review, or a rollback's "before", shows configuration only.
 */
const REPORTED: ReadonlySet<string> = new Set(['bytes', 'packets', 'dynamic', 'invalid']);

/** The configuration fields of one side of a change. */
export function configOf(v: Change['before']): [string, string | null][] {
  return v ? Object.entries(v).filter(([k]) => !REPORTED.has(k) && !k.startsWith('.')) : [];
}

function values(v: Change['before']) {
  if (!v) return <span className="muted">—</span>;
  return (
    <span className="mono">
      {configOf(v).map(([k, val]) => (
        <span key={k} className="kv">
          {k}={val === null ? <i>NULL</i> : withAddresses(val)}{' '}
        </span>
      ))}
    </span>
  );
}

/**
 * One box's changes: where, before → after, and why. `focused` is the entry a
 * failed check pointed at: highlighted, and the step puts focus on it.
 */
export function ChangeTable({
  title,
  changes,
  level = 2,
  focused,
}: {
  title: string;
  changes: Change[];
  level?: 2 | 3;
  focused?: string | undefined;
}) {
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
            {changes.map((c) => {
              const here = c.id === focused;
              return (
                <tr
                  key={c.id}
                  id={`change-${c.id}`}
                  className={here ? 'focused' : undefined}
                  {...(here ? { 'data-autofocus': true, tabIndex: -1, 'aria-current': 'true' as const } : {})}
                >
                  <td>
                    {here && <span className="focus-tag">Fix for the failed check: </span>}
                    <span className={`action action-${c.action}`}>{c.action}</span>{' '}
                    <code className="mono">{c.path}</code>
                  </td>
                  <td>
                    {values(c.before)} → {values(c.after)}
                  </td>
                  <td>{c.reason}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
