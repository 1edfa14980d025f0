import type { Plan, PlannedRun } from '../../../contract/types';
import { countPlan, countWords } from '../../../contract/plan-counts';
import { ChangeGroups } from '../components/ChangeGroups';
import { ErrorNote } from '../components/ErrorNote';
import { RollbackFlags } from '../components/RollbackFlags';
import { useWizard } from '../store/context';
import { signedBy } from '../store/history';
import { boxesWords, otherBoxRefusal, rollbackSides } from '../store/rollback';
import { RollbackLogins } from './RollbackLogins';

/** Said of every entry of a rollback, once per group: each entry's own reason is on hover. */
const BACK_TO_SNAPSHOT =
  'Back to the snapshot: what the wizard added since is removed, what was changed or removed is put back as it was.';

/** An imported snapshot says so above its plan: nothing the bundle planned is sent. */
function ImportedSnapshotNote() {
  const runs = useWizard((s) => s.runs);
  const snapshotId = useWizard((s) => s.rollbackSnapshot);
  const from = runs.status === 'done' ? runs.value.find((r) => r.snapshotId === snapshotId)?.imported : undefined;
  if (!from) return null;
  return (
    <p className="note" role="note" aria-label="Imported snapshot">
      This snapshot came from an imported bundle ({signedBy(from)}). Nothing the bundle planned is sent: the rollback is
      planned afresh against the router and PBX as they are now.
    </p>
  );
}

/** The refusal to roll a snapshot onto another router or PBX, with the one way past it (a replaced box). */
function OtherBoxNote() {
  const rollbackPlan = useWizard((s) => s.rollbackPlan);
  const planRollbackOnOtherBox = useWizard((s) => s.planRollbackOnOtherBox);
  const refusal = otherBoxRefusal(rollbackPlan);
  if (rollbackPlan.status === 'error' && !refusal) return <ErrorNote error={rollbackPlan.error} />;
  if (!refusal) return null;
  return (
    <div className="note note-error" role="alert" aria-label="Another box">
      <p>
        <strong>{refusal.message}</strong>
      </p>
      <p>
        Only if the {refusal.boxes} was replaced (the same site, new hardware): plan the rollback onto it anyway, review
        it, then apply.
      </p>
      <div className="actions">
        <button type="button" className="danger" onClick={() => void planRollbackOnOtherBox()}>
          {`Roll back onto this ${refusal.boxes} anyway: ${
            refusal.boxes === 'router and PBX' ? 'they are not the ones' : 'it is not the one'
          } the snapshot was taken of`}
        </button>
      </div>
    </div>
  );
}

/** The plan's warnings, the first in bold; an alert when the technician accepted another box. */
function RollbackWarnings({ plan }: { plan: Plan }) {
  const onOtherBox = useWizard((s) => s.rollbackOtherBox);
  const [first, ...rest] = plan.warnings;
  if (!first) return null;
  return (
    <div
      className={onOtherBox ? 'note note-error' : 'note'}
      role={onOtherBox ? 'alert' : 'status'}
      aria-label="Rollback warnings"
    >
      <p>
        <strong>{first.message}</strong>
      </p>
      {rest.length > 0 && (
        <ul>
          {rest.map((w, i) => (
            <li key={`${w.code}-${i}`}>{w.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * A rollback plan read as Review reads a plan: what matters first (the flags), then the count, then
 * each box it covers in named groups that open on demand, then the one button that sends it.
 */
function RollbackPlanView({ planned }: { planned: PlannedRun }) {
  const plan = planned.plan;
  const rollbackResult = useWizard((s) => s.rollbackResult);
  const applyRollback = useWizard((s) => s.applyRollback);
  const counts = countPlan(plan);
  const sides = rollbackSides(planned);
  return (
    <>
      <RollbackFlags flags={plan.flags ?? []} />
      <RollbackWarnings plan={plan} />
      <p className="counts" data-testid="rollback-counts">
        {countWords(counts)}
        {sides.length === 2
          ? `: ${counts.router} on the router, ${counts.pbx} on the PBX.`
          : ` on ${boxesWords(sides)} only.`}
      </p>
      <div className="plan-sides">
        {sides.includes('router') && (
          <ChangeGroups
            level={3}
            title="Router"
            why={BACK_TO_SNAPSHOT}
            changes={plan.changes.filter((c) => c.target === 'router')}
          />
        )}
        {sides.includes('pbx') && (
          <ChangeGroups
            level={3}
            title="PBX"
            why={BACK_TO_SNAPSHOT}
            changes={plan.changes.filter((c) => c.target === 'pbx')}
            steps={plan.pbxSteps ?? []}
          />
        )}
      </div>
      <div className="actions">
        <button
          type="button"
          className="danger"
          disabled={
            plan.changes.length === 0 || rollbackResult.status === 'loading' || rollbackResult.status === 'done'
          }
          onClick={() => void applyRollback()}
        >
          {rollbackResult.status === 'loading' ? 'Rolling back…' : `Apply the rollback (${countWords(counts)})`}
        </button>
      </div>
    </>
  );
}

/** How the rollback went: stopped (and why), or the boxes it covered are back. */
function RollbackOutcome({ planned }: { planned: PlannedRun | undefined }) {
  const rollbackResult = useWizard((s) => s.rollbackResult);
  if (rollbackResult.status === 'error') return <ErrorNote error={rollbackResult.error} />;
  if (rollbackResult.status !== 'done') return null;
  const { failed, status } = rollbackResult.value;
  if (failed) {
    return (
      <div role="alert" className="note note-error">
        <strong>The rollback stopped:</strong> {failed.message} Plan it again to see what is left.
      </div>
    );
  }
  const boxes = boxesWords(rollbackSides(planned));
  return (
    <p role="status" className="note">
      Rolled back: {boxes} {boxes.includes(' and ') ? 'are' : 'is'} as in the snapshot (run {status}).
    </p>
  );
}

/** The return to a picked run's snapshot: planned against the boxes as they are now, reviewed, then applied. */
export function RollbackReview() {
  const snapshotId = useWizard((s) => s.rollbackSnapshot);
  const rollbackPlan = useWizard((s) => s.rollbackPlan);
  if (!snapshotId) return null;
  const planned = rollbackPlan.status === 'done' ? rollbackPlan.value : undefined;
  return (
    <section aria-labelledby="rollback-title" className="rollback">
      <h2 id="rollback-title">Roll back to the snapshot</h2>
      <p className="muted">The boxes return to how they were before that run. Review the changes, then apply them.</p>
      <RollbackLogins />
      <ImportedSnapshotNote />
      {rollbackPlan.status === 'loading' && <p aria-live="polite">Reading the boxes…</p>}
      <OtherBoxNote />
      {planned && <RollbackPlanView planned={planned} />}
      <RollbackOutcome planned={planned} />
    </section>
  );
}
