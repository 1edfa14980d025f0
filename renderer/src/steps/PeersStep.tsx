import { useWizard } from '../store/context';
import { siteLan } from '../store/peers';
import { publicAddressOf, type PublicAddress } from '../store/public-address';
import type { PeerRole, PeerRow } from '../store/site';
import type { PeersProposal } from '../../../contract/types';
import { opensToAnyone } from '../../../contract/ipv4';
import { peerAddressProblem } from '../../../contract/peer-address';
import { StepPanel } from '../components/StepPanel';
import { originLines, registeredNow } from './peerOrigin';
import { stepRef } from './steps';
import { checkPeers, type RowIssue } from './peerChecks';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What was read from the PBX, in one sentence. */
function readSummary(p: PeersProposal, lan: string | undefined): string {
  const gateways =
    p.read.runningGateways === null
      ? `${plural(p.read.gateways, 'gateway')} (FreeSWITCH did not say which run)`
      : `${plural(p.read.gateways, 'gateway')} (${p.read.runningGateways} running)`;
  const registrations =
    p.read.registrations === null ? 'registrations unknown' : plural(p.read.registrations, 'registration');
  const resolver =
    p.resolver.tool === 'none' ? 'names not resolved' : `names resolved on the PBX with ${p.resolver.tool}`;
  const inside = lan ? `; phones inside ${lan} count as local` : '';
  return `Read from the PBX: ${gateways}, ${registrations}; ${resolver}${inside}.`;
}

/** The PBX's proposals: under way, why they failed (in one line), or what was read and what to check. */
function FromThePbx() {
  const pbx = useWizard((s) => s.pbx);
  const proposal = useWizard((s) => s.peerProposal);
  const readPeers = useWizard((s) => s.readPeers);
  const lan = useWizard((s) => siteLan(s.lan, s.pbxForm.host));
  const loggedIn = pbx.status === 'done' && pbx.value.kind !== 'not-a-pbx';
  const again = loggedIn && proposal.status !== 'loading' && (
    <button type="button" onClick={() => void readPeers()}>
      Read the PBX again
    </button>
  );

  if (!loggedIn) {
    return (
      <p className="muted">
        Log in to the PBX ({stepRef('pbx')}) and its trunks and remote phones are proposed here. You can also type them.
      </p>
    );
  }
  if (proposal.status === 'idle' || proposal.status === 'loading') {
    return <p aria-live="polite">Reading the PBX&apos;s gateways and registrations…</p>;
  }
  if (proposal.status === 'error') {
    return (
      <div className="note actions" role="status" aria-label="From the PBX">
        <span>Nothing proposed from the PBX: {proposal.error.message} Type the addresses below.</span>
        {again}
      </div>
    );
  }
  const p = proposal.value;
  return (
    <div className="note from-pbx" role="status" aria-label="From the PBX">
      <p className="proposal-summary">{readSummary(p, lan)}</p>
      {p.warnings.length > 0 && (
        <ul className="proposal-warnings" aria-label="What to check">
          {p.warnings.map((w, i) => (
            <li key={`${w.code}-${i}`}>
              <strong className="warn">Check:</strong> {w.message}
            </li>
          ))}
        </ul>
      )}
      {p.notProposed.length > 0 && (
        <details>
          <summary>Not proposed ({p.notProposed.length})</summary>
          <ul>
            {p.notProposed.map((n, i) => (
              <li key={i}>
                {n.what}: {n.why}
              </li>
            ))}
          </ul>
        </details>
      )}
      {again}
    </div>
  );
}

function PeerList({
  role,
  title,
  hint,
  rows,
  warnings,
}: {
  role: PeerRole;
  title: string;
  hint: string;
  rows: PeerRow[];
  warnings: RowIssue[];
}) {
  const add = useWizard((s) => s.addPeer);
  const update = useWizard((s) => s.updatePeer);
  const remove = useWizard((s) => s.removePeer);
  const tick = useWizard((s) => s.tickPeer);
  return (
    <fieldset className="peers">
      <legend>{title}</legend>
      <p className="muted small">{hint}</p>
      {rows.length === 0 && <p className="muted">None.</p>}
      {rows.map((p, i) => {
        const problem = p.address.trim() === '' && p.name.trim() === '' ? '' : peerAddressProblem(p.address);
        const errorId = `${role}-${p.key}-error`;
        const originId = `${role}-${p.key}-origin`;
        const allowed = !p.proposed || p.proposed.ticked;
        const label = `${title} ${i + 1}`;
        return (
          <div
            className={`peer-row${p.proposed ? ' proposed' : ''}${allowed ? '' : ' unticked'}`}
            key={p.key}
            data-testid={`${role}-row`}
          >
            {p.proposed && (
              <label className="check tick">
                <input
                  type="checkbox"
                  aria-label={`Allow ${label}`}
                  aria-describedby={originId}
                  checked={p.proposed.ticked}
                  onChange={(e) => tick(role, p.key, e.target.checked)}
                />
                Allow
              </label>
            )}
            <input
              aria-label={`${label} name`}
              placeholder="Name"
              value={p.name}
              maxLength={64}
              onChange={(e) => update(role, p.key, { name: e.target.value })}
            />
            <input
              aria-label={`${label} address`}
              placeholder="198.51.100.10, 198.51.100.0/24 or sip.example.com"
              value={p.address}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? errorId : undefined}
              onChange={(e) => update(role, p.key, { address: e.target.value })}
            />
            {!p.proposed && (
              <button type="button" aria-label={`Remove ${label}`} onClick={() => remove(role, p.key)}>
                Remove
              </button>
            )}
            {p.proposed && (
              <div id={originId} className="origin muted small">
                {/* Why it is proposed as it is matters while it is not allowed; once ticked, the sources say it. */}
                {allowed ? 'From the PBX:' : `From the PBX, not allowed until ticked: ${p.proposed.why}`}
                <ul>
                  {originLines(p.proposed.origin, p.proposed.address).map((line, n) => (
                    <li key={n}>{line}</li>
                  ))}
                </ul>
              </div>
            )}
            {problem && (
              <span id={errorId} className="field-error">
                {problem}
              </span>
            )}
            {warnings
              .filter((w) => w.role === role && w.key === p.key)
              .map((w) => (
                <span key={w.message} className="warn" data-testid="peer-warning">
                  {w.message}
                </span>
              ))}
            {p.proposed && !allowed && registeredNow(p.proposed.origin) && (
              <span className="warn">
                FreeSWITCH is registered through this gateway now: unticked, its calls will be refused once the forwards
                are restricted.
              </span>
            )}
            {!problem && allowed && opensToAnyone([p.address]) && (
              <span className="warn">
                This opens the PBX to a large part of the Internet. Accept the risk in Options to keep it.
              </span>
            )}
          </div>
        );
      })}
      <button type="button" onClick={() => add(role)}>
        Add {role === 'trunks' ? 'a trunk provider' : 'a phone'}
      </button>
    </fieldset>
  );
}

/** The site's public address: the plan's once there is one, else the router's read named as a guess. */
function publicAddressLine(address: PublicAddress | undefined): string {
  if (!address) return `Public IP of this site: read the router first (${stepRef('router')}).`;
  if (address.source === 'router-guess') {
    return `Public IP of this site: ${address.address}, as the router reads it; a guess until the plan is made (${stepRef('review')}).`;
  }
  const dynamic = address.dynamic ? ` It is ${address.dynamic}.` : '';
  return `Public IP of this site: ${address.address}, the address the plan uses (${stepRef('review')}).${dynamic}`;
}

export function PeersStep() {
  const trunks = useWizard((s) => s.trunks);
  const phones = useWizard((s) => s.phones);
  const router = useWizard((s) => s.router);
  const planned = useWizard((s) => s.planned);
  const refused = useWizard((s) => s.nextRefused);
  const lan = useWizard((s) => siteLan(s.lan, s.pbxForm.host));
  const checks = checkPeers({ trunks, phones }, lan);
  return (
    <StepPanel id="peers">
      <p className="lead">
        Only these addresses will get through the router to the PBX. SIP trunk providers reach the external profile
        (5080), remote phones the internal one (5060); both get the RTP ports.
      </p>
      <p className="muted" data-testid="public-address">
        {publicAddressLine(publicAddressOf(planned, router))}
      </p>
      <FromThePbx />
      {refused && checks.errors.length > 0 && (
        <div className="note note-error" role="alert" aria-label="Fix before going on">
          <strong>Fix these before going on:</strong>
          <ul>
            {checks.errors.map((e) => (
              <li key={`${e.role}-${e.key}`}>{e.message}</li>
            ))}
          </ul>
        </div>
      )}
      <PeerList
        role="trunks"
        title="SIP trunk providers"
        hint="Your carrier's signalling addresses: proposed from the PBX's gateways, or from the carrier's documentation. Prefer its published range when it has one; a host name (sip.example.com) is kept current by the router."
        rows={trunks}
        warnings={checks.warnings}
      />
      <PeerList
        role="phones"
        title="Remote phones"
        hint="Home offices and branch phones outside this LAN. Phones the PBX saw register from outside are listed unticked: tick only those you know are the customer's. A phone on a dynamic address can be given by its DDNS name."
        rows={phones}
        warnings={checks.warnings}
      />
    </StepPanel>
  );
}
