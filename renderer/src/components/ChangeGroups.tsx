import type { Change, PlanStepView } from '../../../contract/types';
import { actionWord, entryName, groupChanges, type ChangeGroup } from '../../../contract/change-names';
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

function values(v: Change['before']): string {
  return configOf(v)
    .map(([k, val]) => `${k}=${val ?? 'NULL'}`)
    .join(' ');
}

/** A set shows what it changes; an add or remove the entry is enough (its name says what it is). */
function Detail({ change }: { change: Change }) {
  if (change.action !== 'set') return null;
  return (
    <div className="mono small change-values">
      {withAddresses(values(change.before) || '—')} → {withAddresses(values(change.after) || '—')}
    </div>
  );
}

function Group({
  group,
  focused,
  why,
}: {
  group: ChangeGroup;
  focused?: string | undefined;
  why?: string | undefined;
}) {
  const holdsFocus = group.changes.some((c) => c.id === focused);
  return (
    <details className="change-group" open={holdsFocus || undefined} data-group={group.id}>
      <summary>
        <span className="group-title">{group.title}</span> <span className="muted">{group.menu}</span>{' '}
        <span className="count">({group.changes.length})</span>
      </summary>
      <p className="muted small group-why">{why ?? group.why}</p>
      <ul className="change-list" aria-label={`${group.title} changes`}>
        {group.changes.map((c) => {
          const here = c.id === focused;
          return (
            <li
              key={c.id}
              id={`change-${c.id}`}
              className={here ? 'focused' : undefined}
              title={c.reason}
              {...(here ? { 'data-autofocus': true, tabIndex: -1, 'aria-current': 'true' as const } : {})}
            >
              {here && <span className="focus-tag">Fix for the failed check: </span>}
              <span className={`action action-${c.action}`}>{actionWord(c)}</span> {withAddresses(entryName(c))}
              <Detail change={c} />
            </li>
          );
        })}
      </ul>
    </details>
  );
}

/**
 * One box's changes in groups that open on demand (IP › Firewall › NAT;
 * Advanced › Variables), each entry named as WinBox or FS PBX shows it, the
 * reason said once per group. A group holding the entry a failed check
 * pointed at opens by itself. `why` replaces every group's reason where one
 * sentence says it for all (a rollback: back to the snapshot); each entry's
 * own reason stays on hover.
 */
export function ChangeGroups({
  title,
  changes,
  steps = [],
  focused,
  level = 2,
  why,
}: {
  title: string;
  changes: readonly Change[];
  steps?: readonly PlanStepView[];
  focused?: string | undefined;
  level?: 2 | 3;
  why?: string;
}) {
  const groups = groupChanges(changes);
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <section className="plan-side" aria-label={`${title} changes`}>
      <Heading>
        {title} ({changes.length} {changes.length === 1 ? 'change' : 'changes'})
      </Heading>
      {groups.length === 0 && <p className="muted">Nothing to change.</p>}
      {groups.map((g) => (
        <Group key={g.id} group={g} focused={focused} why={why} />
      ))}
      {steps.length > 0 && (
        <details className="change-group" data-group="pbx-steps">
          <summary>
            <span className="group-title">Then, on the PBX</span>{' '}
            <span className="muted">files written and FreeSWITCH commands</span>{' '}
            <span className="count">({steps.length})</span>
          </summary>
          <p className="muted small group-why">
            These make FreeSWITCH take the changes above; they are counted apart from the changes.
          </p>
          <ul className="change-list" aria-label="PBX steps">
            {steps.map((step, i) => (
              <li key={i}>{withAddresses(step.why)}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
