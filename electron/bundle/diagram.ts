/**
 * The site as an SVG picture for the report: the Internet with the trunk
 * providers and remote phones, the router with its WAN address, the PBX with
 * its ports, and one arrow per forward naming who may use it. Pure.
 */
import { escapeHtml } from './html';

export interface DiagramInput {
  trunks: { name: string; address: string }[];
  phones: { name: string; address: string }[];
  router: { label: string; wan?: string; lan?: string };
  pbx: { label: string; address: string };
  forwards: { label: string; from: 'trunks' | 'phones' | 'any' }[];
}

const W = 760;
const ROW = 22;

export function networkDiagram(input: DiagramInput): string {
  const peers = [
    ...input.trunks.map((t) => ({ kind: 'trunk', ...t })),
    ...input.phones.map((p) => ({ kind: 'phone', ...p })),
  ];
  const peerRows = Math.max(peers.length, 1);
  const forwardRows = Math.max(input.forwards.length, 1);
  const height = Math.max(peerRows * ROW + 80, forwardRows * ROW + 120, 220);
  const mid = height / 2;

  const peerText = peers.length
    ? peers
        .map(
          (p, i) =>
            `<text x="20" y="${50 + i * ROW}" class="${p.kind}">${escapeHtml(p.name)} · ${escapeHtml(p.address)}</text>`,
        )
        .join('')
    : `<text x="20" y="50" class="muted">no sources given</text>`;

  const forwardText = input.forwards
    .map((f, i) => {
      const y = mid - ((forwardRows - 1) * ROW) / 2 + i * ROW;
      return (
        `<line x1="470" y1="${y}" x2="560" y2="${y}" class="arrow" marker-end="url(#head)"/>` +
        `<text x="474" y="${y - 4}" class="small">${escapeHtml(f.label)} ← ${escapeHtml(f.from)}</text>`
      );
    })
    .join('');

  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="Network diagram">
<style>text{font:13px sans-serif;fill:#1b2027}.small{font-size:11px}.muted{fill:#5b6674}.trunk{fill:#0b62c4}.phone{fill:#1d7f43}
.box{fill:#fff;stroke:#5b6674;stroke-width:1.5}.arrow{stroke:#b36b00;stroke-width:2}</style>
<defs><marker id="head" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#b36b00"/></marker></defs>
<rect x="8" y="12" width="240" height="${height - 24}" rx="10" class="box"/>
<text x="20" y="30" font-weight="bold">Internet</text>
${peerText}
<line x1="248" y1="${mid}" x2="300" y2="${mid}" class="arrow" marker-end="url(#head)"/>
<rect x="300" y="${mid - 50}" width="160" height="100" rx="10" class="box"/>
<text x="312" y="${mid - 28}" font-weight="bold">${escapeHtml(input.router.label)}</text>
<text x="312" y="${mid - 8}" class="small">WAN ${escapeHtml(input.router.wan ?? '?')}</text>
<text x="312" y="${mid + 10}" class="small">LAN ${escapeHtml(input.router.lan ?? '?')}</text>
${forwardText}
<rect x="560" y="${mid - 50}" width="190" height="100" rx="10" class="box"/>
<text x="572" y="${mid - 28}" font-weight="bold">${escapeHtml(input.pbx.label)}</text>
<text x="572" y="${mid - 8}" class="small">${escapeHtml(input.pbx.address)}</text>
<text x="572" y="${mid + 10}" class="small">SIP 5060 · 5080 · RTP</text>
</svg>`;
}
