import { useWizard } from '../store/context';
import type { PeerRow } from '../store/site';
import { addressProblem, opensToAnyone } from '../../../contract/ipv4';
import { StepPanel } from '../components/StepPanel';
import { stepRef } from './steps';

function PeerList({
  role,
  title,
  hint,
  rows,
}: {
  role: 'trunks' | 'phones';
  title: string;
  hint: string;
  rows: PeerRow[];
}) {
  const add = useWizard((s) => s.addPeer);
  const update = useWizard((s) => s.updatePeer);
  const remove = useWizard((s) => s.removePeer);
  return (
    <fieldset className="peers">
      <legend>{title}</legend>
      <p className="muted small">{hint}</p>
      {rows.length === 0 && <p className="muted">None.</p>}
      {rows.map((p, i) => {
        const problem = p.address.trim() === '' && p.name.trim() === '' ? '' : addressProblem(p.address);
        const errorId = `${role}-${p.key}-error`;
        return (
          <div className="peer-row" key={p.key}>
            <input
              aria-label={`${title} ${i + 1} name`}
              placeholder="Name"
              value={p.name}
              maxLength={64}
              onChange={(e) => update(role, p.key, { name: e.target.value })}
            />
            <input
              aria-label={`${title} ${i + 1} address`}
              placeholder="198.51.100.10 or 198.51.100.0/24"
              value={p.address}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? errorId : undefined}
              onChange={(e) => update(role, p.key, { address: e.target.value })}
            />
            <button type="button" aria-label={`Remove ${title} ${i + 1}`} onClick={() => remove(role, p.key)}>
              Remove
            </button>
            {problem && (
              <span id={errorId} className="field-error">
                {problem}
              </span>
            )}
            {!problem && opensToAnyone([p.address]) && (
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

export function PeersStep() {
  const trunks = useWizard((s) => s.trunks);
  const phones = useWizard((s) => s.phones);
  const router = useWizard((s) => s.router);
  const publicIp =
    router.status === 'done' ? (router.value.publicAddress ?? router.value.wanAddresses[0]?.split('/')[0]) : undefined;
  return (
    <StepPanel id="peers">
      <p className="lead">
        Only these addresses will get through the router to the PBX. SIP trunk providers reach the external profile
        (5080), remote phones the internal one (5060); both get the RTP ports.
      </p>
      <p className="muted">Public IP of this site: {publicIp ?? `read the router first (${stepRef('router')})`}</p>
      <PeerList
        role="trunks"
        title="SIP trunk providers"
        hint="Your carrier's signalling addresses, from its documentation."
        rows={trunks}
      />
      <PeerList
        role="phones"
        title="Remote phones"
        hint="Home offices and branch phones outside this LAN."
        rows={phones}
      />
    </StepPanel>
  );
}
