import { stepRef } from '../steps/steps';
import { useWizard } from '../store/context';
import { allowedRows } from '../store/site';

const W = 200;

/** Text from the network is shortened to fit; React escapes it, so a hostile name is only ever text. */
function fit(text: string, max = 24): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The site as the wizard knows it so far: who may come in from the Internet,
 * the router with its WAN address, the PBX, and what is forwarded. Boxes fill
 * in as the steps are done; forwards turn solid once applied.
 */
export function NetworkPicture() {
  const router = useWizard((s) => s.router);
  const pbx = useWizard((s) => s.pbx);
  const pbxHost = useWizard((s) => s.pbxForm.host);
  // Only what will be let in: proposals from the PBX count once ticked.
  const trunks = allowedRows(useWizard((s) => s.trunks));
  const phones = allowedRows(useWizard((s) => s.phones));
  const applying = useWizard((s) => s.applying);
  const confirmation = useWizard((s) => s.confirmation);

  const peers = [
    ...trunks.filter((t) => t.address.trim()).map((t) => ({ kind: 'trunk', label: t.name || t.address })),
    ...phones.filter((p) => p.address.trim()).map((p) => ({ kind: 'phone', label: p.name || p.address })),
  ];
  const shown = peers.slice(0, 2);
  const routerLabel = router.status === 'done' ? router.value.identity : 'Router';
  const wan = router.status === 'done' ? (router.value.wanAddresses[0] ?? 'WAN ?') : 'not read yet';
  const pbxLabel = pbx.status === 'done' ? (pbx.value.kind === 'fspbx' ? 'FS PBX' : pbx.value.kind) : 'PBX';
  const applied = applying.status === 'done';
  const kept = confirmation.status === 'done';
  const forwards = [
    ...(trunks.some((t) => t.address.trim()) ? ['SIP 5080 ← trunks'] : []),
    ...(phones.some((p) => p.address.trim()) ? ['SIP 5060 ← phones'] : []),
    ...(peers.length > 0 ? ['RTP ← both'] : []),
  ];
  const state = kept ? 'kept' : applied ? 'applied' : 'planned';

  return (
    <figure className="picture" aria-label="Network picture">
      <svg viewBox={`0 0 ${W} 216`} role="img" aria-labelledby="picture-title">
        <title id="picture-title">
          {`Internet (${peers.length} allowed sources) to ${routerLabel} (${wan}) to ${pbxLabel} ${pbxHost}; forwards ${state}: ${forwards.join(', ') || 'none yet'}`}
        </title>
        <rect x="4" y="2" width={W - 8} height="56" rx="8" className="pic-box" />
        <text x="12" y="18" className="pic-title">
          {peers.length > shown.length ? `Internet (+${peers.length - shown.length} more)` : 'Internet'}
        </text>
        {shown.length === 0 && (
          <text x="12" y="36" className="pic-muted">
            no sources yet ({stepRef('peers')})
          </text>
        )}
        {shown.map((p, i) => (
          <text key={`${p.kind}-${i}`} x="12" y={34 + i * 14} className={`pic-${p.kind}`}>
            {p.kind === 'trunk' ? '☎ ' : '⌂ '}
            {fit(p.label)}
          </text>
        ))}
        <line x1={W / 2} y1="58" x2={W / 2} y2="76" className={`pic-arrow pic-${state}`} markerEnd="url(#pic-head)" />
        <rect
          x="4"
          y="78"
          width={W - 8}
          height="40"
          rx="8"
          className={router.status === 'done' ? 'pic-box pic-known' : 'pic-box'}
        />
        <text x="12" y="94" className="pic-title">
          {fit(routerLabel)}
        </text>
        <text x="12" y="110" className="pic-muted">
          WAN {fit(wan, 20)}
        </text>
        {forwards.map((f, i) => (
          <text key={f} x="12" y={132 + i * 12} className={`pic-forward pic-${state}`}>
            {f}
          </text>
        ))}
        <line
          x1={W - 20}
          y1="118"
          x2={W - 20}
          y2="168"
          className={`pic-arrow pic-${state}`}
          markerEnd="url(#pic-head)"
        />
        <rect
          x="4"
          y="170"
          width={W - 8}
          height="42"
          rx="8"
          className={pbx.status === 'done' ? 'pic-box pic-known' : 'pic-box'}
        />
        <text x="12" y="187" className="pic-title">
          {fit(pbxLabel)}
        </text>
        <text x="12" y="204" className="pic-muted">
          {fit(pbxHost || 'address not given yet', 26)}
        </text>
        <defs>
          <marker id="pic-head" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto">
            <path d="M0,0 L8,4 L0,8 z" className="pic-head" />
          </marker>
        </defs>
      </svg>
    </figure>
  );
}
