import type { Change } from '../../../electron/api/types';
import { ErrorNote } from '../components/ErrorNote';
import { useWizard } from '../store/context';

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

function ChangeTable({ title, changes }: { title: string; changes: Change[] }) {
  return (
    <div className="plan-side">
      <h2>
        {title} ({changes.length})
      </h2>
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

export function ReviewStep() {
  const planned = useWizard((s) => s.planned);
  const makePlan = useWizard((s) => s.makePlan);
  return (
    <section aria-labelledby="step-review-title" className="panel">
      <h1 id="step-review-title">6 · Review</h1>
      <p className="lead">
        Every change on both boxes, before and after, with the reason. Nothing has been touched yet: the wizard reads,
        plans and waits for you.
      </p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={planned.status === 'loading'}
          onClick={() => void makePlan()}
        >
          {planned.status === 'loading'
            ? 'Reading both boxes…'
            : planned.status === 'done'
              ? 'Plan again'
              : 'Make the plan'}
        </button>
      </div>
      {planned.status === 'error' && <ErrorNote error={planned.error} />}
      {planned.status === 'done' && (
        <>
          {planned.value.plan.warnings.length > 0 && (
            <div className="note" role="status" aria-label="Warnings">
              <ul>
                {planned.value.plan.warnings.map((w) => (
                  <li key={w.code + w.message} className="warn">
                    {w.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div className="plan-sides">
            <ChangeTable title="Router" changes={planned.value.plan.changes.filter((c) => c.target === 'router')} />
            <ChangeTable title="PBX" changes={planned.value.plan.changes.filter((c) => c.target === 'pbx')} />
          </div>
        </>
      )}
    </section>
  );
}
