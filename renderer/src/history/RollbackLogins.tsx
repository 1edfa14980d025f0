import { useWizard } from '../store/context';
import { rollbackLogins } from '../store/rollback';
import { stepRef } from '../steps/steps';

/**
 * Which logins the rollback uses and what each is for, before anything is read: only those of the
 * boxes it reads (steps 2 and 3). A missing one is named with the way to its step.
 */
export function RollbackLogins() {
  const routerHost = useWizard((s) => s.routerForm.host);
  const pbxHost = useWizard((s) => s.pbxForm.host);
  const sides = useWizard((s) => s.rollbackAsked);
  const goTo = useWizard((s) => s.goTo);
  const showView = useWizard((s) => s.showView);
  const logins = rollbackLogins(sides, { router: routerHost, pbx: pbxHost });
  return (
    <div className="note" role="note" aria-label="Logins">
      <ul className="small">
        {logins.map((l) => (
          <li key={l.side}>
            {l.sentence}{' '}
            {!l.typed && (
              <button
                type="button"
                onClick={() => {
                  showView('wizard');
                  goTo(l.side);
                }}
              >
                Go to {stepRef(l.side)}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
