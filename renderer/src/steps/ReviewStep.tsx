import { useState } from 'react';
import { ChangeGroups } from '../components/ChangeGroups';
import { ErrorNote } from '../components/ErrorNote';
import { PlanSummary } from '../components/PlanSummary';
import { useWizard } from '../store/context';
import { staleNote } from '../store/run';
import { StepPanel } from '../components/StepPanel';
import { placeOfError } from './fieldPlace';
import { fileStem, saveText } from './download';
import { stepRef } from './steps';

/** "Copy as RouterOS script" and "Save as .rsc": the exact commands the bundle's router/apply.rsc holds. */
function ScriptActions({ script, stem }: { script: string; stem: string }) {
  const [copied, setCopied] = useState<'idle' | 'done' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(script);
      setCopied('done');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="actions">
      <button type="button" onClick={() => void copy()}>
        Copy as RouterOS script
      </button>
      <button type="button" onClick={() => saveText(`${stem}.rsc`, script)}>
        Save as .rsc
      </button>
      <span role="status" className="muted small">
        {copied === 'done'
          ? 'Copied: paste it into a WinBox terminal to read or run it.'
          : copied === 'failed'
            ? 'The clipboard refused: use Save as .rsc.'
            : ''}
      </span>
    </div>
  );
}

export function ReviewStep() {
  const planned = useWizard((s) => s.planned);
  const makePlan = useWizard((s) => s.makePlan);
  const stale = useWizard(staleNote);
  const focused = useWizard((s) => s.focusedChange);
  const goTo = useWizard((s) => s.goTo);
  const trunks = useWizard((s) => s.trunks);
  const phones = useWizard((s) => s.phones);
  const router = useWizard((s) => s.router);
  const pbx = useWizard((s) => s.pbx);
  const customer = useWizard((s) => s.options.customer);
  const routerLoggedIn = router.status === 'done';
  const pbxLoggedIn = pbx.status === 'done';
  const place =
    planned.status === 'error'
      ? placeOfError(planned.error, { trunks, phones, routerLoggedIn, pbxLoggedIn })
      : undefined;
  const stem = fileStem(customer.trim() || (routerLoggedIn ? router.value.identity : ''), new Date());
  return (
    <StepPanel id="review">
      <p className="lead">
        What changes on both boxes, and why. Nothing has been touched yet: the wizard reads, plans and waits for you.
      </p>
      {focused && (
        <div className="note" role="note">
          The highlighted entry is the one a failed check found missing or changed on the box.{' '}
          <button type="button" onClick={() => goTo('verify')}>
            Back to the checks
          </button>
        </div>
      )}
      {(!routerLoggedIn || !pbxLoggedIn) && planned.status !== 'done' && (
        <p className="note" role="note">
          {!routerLoggedIn
            ? `Log in to the router first (${stepRef('router')}).`
            : `Log in to the PBX first (${stepRef('pbx')}).`}{' '}
          <button type="button" onClick={() => goTo(routerLoggedIn ? 'pbx' : 'router')}>
            Go to {stepRef(routerLoggedIn ? 'pbx' : 'router')}
          </button>
        </p>
      )}
      {stale && (
        <p className="note note-error" role="alert" data-testid="stale-plan">
          {stale}
        </p>
      )}
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={planned.status === 'loading'}
          onClick={() => void makePlan()}
        >
          {planned.status === 'loading'
            ? 'Reading both boxes…'
            : stale
              ? 'Make the plan again'
              : planned.status === 'done'
                ? 'Plan again'
                : 'Make the plan'}
        </button>
      </div>
      {planned.status === 'error' &&
        (place ? (
          <div className="note note-error" role="alert">
            <strong>{place.message}</strong>{' '}
            <button type="button" onClick={() => goTo(place.step)}>
              Go to {stepRef(place.step)}
            </button>
          </div>
        ) : (
          <ErrorNote error={planned.error} />
        ))}
      {planned.status === 'done' && (
        <>
          <PlanSummary plan={planned.value.plan} site={planned.value.site} />
          {planned.value.routerScript && <ScriptActions script={planned.value.routerScript} stem={stem} />}
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
            <ChangeGroups
              title="Router"
              focused={focused}
              changes={planned.value.plan.changes.filter((c) => c.target === 'router')}
            />
            <ChangeGroups
              title="PBX"
              focused={focused}
              changes={planned.value.plan.changes.filter((c) => c.target === 'pbx')}
              steps={planned.value.plan.pbxSteps ?? []}
            />
          </div>
        </>
      )}
    </StepPanel>
  );
}
