import type { Plan, SiteFacts } from '../../../contract/types';
import { entryName, forwardedPorts, groupOf, openedTo } from '../../../contract/change-names';
import { countPlan, countWords } from '../../../contract/plan-counts';

/**
 * Each box in a few lines, before any group: what opens to whom, what changes on the PBX. The public
 * address is the plan's site facts' (electron/site/facts.ts), the one step 4 and verify read too.
 */
export function PlanSummary({ plan, site }: { plan: Plan; site: SiteFacts | undefined }) {
  const counts = countPlan(plan);
  const router = plan.changes.filter((c) => c.target === 'router');
  const pbx = plan.changes.filter((c) => c.target === 'pbx');
  const opened = openedTo(router);
  const ports = forwardedPorts(router);
  const has = (id: ReturnType<typeof groupOf>) => plan.changes.some((c) => groupOf(c) === id);
  const names = (id: ReturnType<typeof groupOf>) =>
    pbx.filter((c) => groupOf(c) === id).map((c) => entryName(c).replace(' › Bypass Media', ''));
  const publicIp = site?.publicIp;
  const vars = names('variables');
  const profiles = names('profiles');
  const extensions = names('extensions');
  return (
    <div className="plan-summary" role="region" aria-label="Summary">
      <p className="counts" data-testid="plan-counts">
        {countWords(counts)}: {counts.router} on the router, {counts.pbx} on the PBX.
      </p>
      <div className="summary-boxes">
        <div className="summary-box">
          <h2>Router</h2>
          <ul>
            {opened.length > 0 ? (
              <li>
                Opens {ports.length > 0 ? ports.join(', ') : 'the PBX'} to {opened.length}{' '}
                {opened.length === 1 ? 'address' : 'addresses'}:{' '}
                {opened.map((o, i) => (
                  <span key={`${o.list}-${o.address}`}>
                    {i > 0 && ', '}
                    <span className="addr">{o.address}</span>
                  </span>
                ))}
              </li>
            ) : (
              router.length > 0 && <li>Opens nothing new from outside.</li>
            )}
            {has('accepts') && <li>Lets the forwards through the router&apos;s own filter.</li>}
            {has('hairpin') && <li>Hairpin NAT: LAN phones may dial the public address.</li>}
            {has('sip-helper') && <li>Turns the SIP helper off.</li>}
            {plan.facts['router.revert'] && (
              <li data-testid="revert-size">Automatic undo on the router: {plan.facts['router.revert']}.</li>
            )}
            {router.length === 0 && <li className="muted">Nothing to change.</li>}
          </ul>
        </div>
        <div className="summary-box">
          <h2>PBX</h2>
          <ul>
            {vars.length > 0 && (
              <li>
                Variables {vars.join(', ')}
                {publicIp ? (
                  <>
                    {' '}
                    → <span className="addr">{publicIp}</span>
                  </>
                ) : null}
              </li>
            )}
            {profiles.length > 0 && <li>SIP profile settings: {profiles.join(', ')}</li>}
            {extensions.length > 0 && (
              <li>
                {extensions.length} {extensions.length === 1 ? 'extension moves' : 'extensions move'} off bypass media:{' '}
                {extensions.join(', ')}
              </li>
            )}
            {counts.pbxSteps > 0 && (
              <li>
                Then {counts.pbxSteps} {counts.pbxSteps === 1 ? 'step' : 'steps'} that make FreeSWITCH take them.
              </li>
            )}
            {pbx.length === 0 && counts.pbxSteps === 0 && <li className="muted">Nothing to change.</li>}
          </ul>
        </div>
      </div>
    </div>
  );
}
