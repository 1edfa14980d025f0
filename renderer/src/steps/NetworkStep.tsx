import { useEffect } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { useWizard } from '../store/context';
import { StepPanel } from '../components/StepPanel';

export function NetworkStep() {
  const lan = useWizard((s) => s.lan);
  const scan = useWizard((s) => s.scan);
  const detectLan = useWizard((s) => s.detectLan);
  const startScan = useWizard((s) => s.startScan);
  const cancelScan = useWizard((s) => s.cancelScan);

  useEffect(() => {
    if (lan.status === 'idle') void detectLan();
  }, [lan.status, detectLan]);

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
