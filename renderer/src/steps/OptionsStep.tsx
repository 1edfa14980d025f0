import { useWizard } from '../store/context';
import { allowedRows, type MediaMode } from '../store/site';
import { isIPv4, opensToAnyone } from '../../../contract/ipv4';
import { StepPanel } from '../components/StepPanel';

const MEDIA: { value: MediaMode; label: string; explain: string }[] = [
  {
    value: 'proxy',
    label: 'Proxy Media (the guide’s fix)',
    explain:
      'FreeSWITCH relays the audio without touching it: works behind NAT, but those calls cannot be recorded, transcoded or use in-band DTMF.',
  },
  {
    value: 'default',
    label: 'PBX default media handling',
    explain: 'FreeSWITCH anchors and processes the audio: works behind NAT and keeps recording, transcoding and DTMF.',
  },
  {
    value: 'leave',
    label: 'Leave extensions as they are',
    explain: 'Extensions set to bypass media will still break behind NAT.',
  },
];

export function OptionsStep() {
  const options = useWizard((s) => s.options);
  const setOptions = useWizard((s) => s.setOptions);
  const trunks = useWizard((s) => s.trunks);
  const phones = useWizard((s) => s.phones);
  // Judged on the lists together: 0.0.0.0/1 + 128.0.0.0/1 is anyone too.
  const anywhere = opensToAnyone([...allowedRows(trunks), ...allowedRows(phones)].map((p) => p.address.trim()));
  const minutes = Number(options.revertMinutes);
  const minutesProblem = Number.isInteger(minutes) && minutes >= 1 && minutes <= 60 ? '' : 'Between 1 and 60 minutes.';
  const publicIp = options.publicIp.trim();
  const publicIpProblem =
    publicIp === '' || isIPv4(publicIp) ? '' : 'An IPv4 address such as 203.0.113.7, or leave it empty.';
  return (
    <StepPanel id="options">
      <label className="check">
        <input type="checkbox" checked={options.webGui} onChange={(e) => setOptions({ webGui: e.target.checked })} />
        Forward the PBX web GUI (HTTPS 443, HTTP 80) to the same addresses
      </label>
      <label className="check">
        <input type="checkbox" checked={options.hairpin} onChange={(e) => setOptions({ hairpin: e.target.checked })} />
        Hairpin NAT: phones on this LAN may use the public address
      </label>
      <fieldset className="media">
        <legend>Extensions that bypass media</legend>
        {MEDIA.map((m) => (
          <label key={m.value} className="check media-choice">
            <input
              type="radio"
              name="media"
              checked={options.mediaMode === m.value}
              onChange={() => setOptions({ mediaMode: m.value })}
            />
            <span>
              <strong>{m.label}</strong>
              <br />
              <span className="muted small">{m.explain}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="field narrow">
        <label htmlFor="revert-minutes">Undo on the router unless confirmed within (minutes)</label>
        <input
          id="revert-minutes"
          inputMode="numeric"
          value={options.revertMinutes}
          aria-invalid={minutesProblem ? true : undefined}
          onChange={(e) => setOptions({ revertMinutes: e.target.value })}
        />
        {minutesProblem && <span className="field-error">{minutesProblem}</span>}
      </div>
      <div className="field narrow">
        <label htmlFor="public-ip">
          Public IP of this site (leave empty to use the router&apos;s WAN address; fill it in when a modem in front of
          the router holds the public address)
        </label>
        <input
          id="public-ip"
          inputMode="decimal"
          placeholder="the router's WAN address"
          value={options.publicIp}
          aria-invalid={publicIpProblem ? true : undefined}
          onChange={(e) => setOptions({ publicIp: e.target.value })}
        />
        {publicIpProblem && <span className="field-error">{publicIpProblem}</span>}
      </div>
      <div className="field">
        <label htmlFor="site-customer">
          Customer or site name (History, the bundle and its report; asked once per site)
        </label>
        <input
          id="site-customer"
          value={options.customer}
          maxLength={100}
          onChange={(e) => setOptions({ customer: e.target.value })}
        />
      </div>
      <div className="field narrow">
        <label htmlFor="site-ticket">Ticket or reference (optional)</label>
        <input
          id="site-ticket"
          value={options.ticket}
          maxLength={100}
          onChange={(e) => setOptions({ ticket: e.target.value })}
        />
      </div>
      {anywhere && (
        <label className="check note note-error">
          <input
            type="checkbox"
            checked={options.allowAnySource}
            onChange={(e) => setOptions({ allowAnySource: e.target.checked })}
          />
          I accept that these ranges let a large part of the Internet reach the PBX (SIP scanners will find it).
        </label>
      )}
    </StepPanel>
  );
}
