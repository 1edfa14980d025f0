import { ErrorNote } from '../components/ErrorNote';
import { useWizard } from '../store/context';
import { StepPanel } from '../components/StepPanel';
import type { LanFacts } from '../../../contract/types';
import type { ScanState } from '../store/discovery';
import { stepRef } from './steps';

/** What an empty scan tried, in a sentence: the interfaces MNDP listened on, and the SSH sweep. */
export function triedWords(lan: LanFacts | undefined, scan: Pick<ScanState, 'sweep' | 'mndpPortBusy'>): string {
  const ifaces = lan?.interfaces ?? [];
  const listened =
    ifaces.length > 0
      ? `MikroTik discovery (MNDP, UDP 5678) on ${ifaces.map((i) => `${i.name} (${i.subnet})`).join(', ')}`
      : 'MikroTik discovery (MNDP, UDP 5678) on every interface';
  const swept = scan.sweep
    ? `an SSH sweep of ${scan.sweep.total} addresses on port 22`
    : 'an SSH sweep on port 22 of the likely LAN';
  const busy = scan.mndpPortBusy
    ? ' Another program holds UDP 5678, so routers answering by broadcast were not heard.'
    : '';
  return `Nothing answered. Tried: ${listened}, and ${swept}.${busy}`;
}

export function NetworkStep() {
  const lan = useWizard((s) => s.lan);
  const scan = useWizard((s) => s.scan);
  const startScan = useWizard((s) => s.startScan);
  const cancelScan = useWizard((s) => s.cancelScan);
  const setRouterForm = useWizard((s) => s.setRouterForm);
  const goTo = useWizard((s) => s.goTo);
  const gateway = lan.status === 'done' ? lan.value.defaultGateway : undefined;
  const empty = scan.status === 'done' && scan.routers.length === 0 && scan.sshHosts.length === 0;

  return (
    <StepPanel id="network">
      <p className="lead">
        Plug this laptop into the customer&apos;s LAN. The wizard lists its networks, then scans for the MikroTik router
        (MNDP) and for SSH hosts that may be the FS PBX server.
      </p>

      <h2>This laptop</h2>
      {lan.status === 'loading' && <p aria-live="polite">Reading network interfaces…</p>}
      {lan.status === 'error' && <ErrorNote error={lan.error} />}
      {lan.status === 'done' && (
        <>
          <table className="facts" aria-label="Network interfaces">
            <thead>
              <tr>
                <th scope="col">Interface</th>
                <th scope="col">Address</th>
                <th scope="col">Subnet</th>
                <th scope="col">MAC</th>
              </tr>
            </thead>
            <tbody>
              {lan.value.interfaces.map((i) => (
                <tr key={`${i.name}-${i.address}`} className={i.likelyLan ? 'likely' : undefined}>
                  <td>
                    {i.name}
                    {i.likelyLan && <span className="badge">customer LAN</span>}
                  </td>
                  <td>{i.address}</td>
                  <td>{i.subnet}</td>
                  <td className="mono">{i.mac}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">
            {lan.value.defaultGateway
              ? `Default gateway ${lan.value.defaultGateway.address} via ${lan.value.defaultGateway.interface}.`
              : lan.value.reasoning}
          </p>
        </>
      )}

      <h2>Routers and servers</h2>
      <div className="actions">
        {scan.status === 'running' ? (
          <button type="button" onClick={cancelScan}>
            Stop scan
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => void startScan()}>
            Scan
          </button>
        )}
        {scan.sweep && (
          <span aria-live="polite" className="muted">
            {scan.sweep.scanned} of {scan.sweep.total} addresses checked
          </span>
        )}
      </div>
      {scan.status === 'error' && scan.error && <ErrorNote error={scan.error} />}
      {scan.mndpCut && (
        <p className="warn" role="note">
          The list stops at {scan.mndpCut.limit} devices: {scan.mndpCut.leftOut} more answered and are not shown (a
          flood of forged announcements, or a very large LAN). Scan on the customer&apos;s LAN port only.
        </p>
      )}
      {scan.mndpPortBusy && (
        <p className="warn" role="note">
          Another program on this laptop holds UDP 5678 (WinBox?); routers that answer by broadcast may be missed —
          close it and scan again.
        </p>
      )}
      {empty && (
        <div className="note" role="status" aria-label="Scan result">
          <p>{triedWords(lan.status === 'done' ? lan.value : undefined, scan)}</p>
          <p>
            A router that does not answer MNDP (discovery off, or another VLAN) can still be reached by its address.
            {gateway && (
              <>
                {' '}
                This laptop&apos;s default gateway <span className="addr">{gateway.address}</span> (via{' '}
                {gateway.interface}) is probably the router.
              </>
            )}
          </p>
          <div className="actions">
            {gateway && (
              <button
                type="button"
                className="primary"
                onClick={() => {
                  setRouterForm({ host: gateway.address });
                  goTo('router');
                }}
              >
                Use {gateway.address} as the router&apos;s address
              </button>
            )}
            <button type="button" onClick={() => void startScan()}>
              Scan again
            </button>
            <span className="muted">Or type the router&apos;s address in {stepRef('router')}.</span>
          </div>
        </div>
      )}
      {(scan.routers.length > 0 || scan.sshHosts.length > 0) && (
        <ul className="found" aria-live="polite">
          {scan.routers.map((r) => (
            <li key={r.mac}>
              {r.isMikrotik ? 'MikroTik' : 'MNDP device'} <strong>{r.identity}</strong> {r.ipv4 ?? ''}{' '}
              {r.announcedIpv4 && <span className="muted">(announces {r.announcedIpv4})</span>}{' '}
              <span className="muted">{[r.board, r.version].filter(Boolean).join(' · ')}</span>
            </li>
          ))}
          {scan.sshHosts.map((h) => (
            <li key={`${h.address}:${h.port}`}>
              SSH <strong>{h.address}</strong>:{h.port} <span className="muted mono">{h.banner}</span>
            </li>
          ))}
        </ul>
      )}
    </StepPanel>
  );
}
