/** report.html: one page a technician or a customer can read without the app. Pure. */
import { checklist, STATUS_LOOK, tallyText } from '../../contract/checklist';
import { boxList, boxWords } from '../../contract/boxes';
import type { Change, RunBoxes } from '../../contract/types';
import type { BundleContent } from './content';
import { networkDiagram } from './diagram';
import { escapeHtml as e } from './html';

function values(v: Record<string, string | null> | null): string {
  if (!v) return '<span class="muted">—</span>';
  return Object.entries(v)
    .map(([k, val]) => `<code>${e(k)}=${val === null ? '<i>NULL</i>' : e(val)}</code>`)
    .join(' ');
}

function changeRow(c: Change, status: string | undefined): string {
  return `<tr><td>${e(c.target)}</td><td><code>${e(c.path)}</code></td><td>${e(c.action)}</td><td>${values(c.before)}</td><td>${values(c.after)}</td><td>${e(c.reason)}</td><td>${e(status ?? 'not sent')}</td></tr>`;
}

/** What the run's changes are on each box now (applied, undone by the router's timer, rolled back by run X, confirmed). */
function boxesTable(run: { boxes?: RunBoxes }): string {
  const rows = boxList(run.boxes).map(
    ({ name, box }) => `<tr><th>${e(name)}</th><td>${e(boxWords(box))} — ${e(box.at)}</td></tr>`,
  );
  return rows.length ? `<h2>What each box holds</h2><table>${rows.join('')}</table>` : '';
}

function signature(content: BundleContent): string {
  const imported = content.run.imported;
  const origin = imported
    ? `<p><b>Imported from a bundle</b> (${imported.signature === 'unsigned' ? 'unsigned' : `signed by ${imported.signature === 'this-installation' ? 'this installation' : 'another installation'}, key ${e(imported.key ?? '?')}`}): history to read; nothing in it is ever applied.</p>`
    : '';
  const signed = content.signedBy
    ? `<p class="muted">This bundle is signed with the wizard installation key <code>${e(content.signedBy)}</code>. The signature proves which installation made the file and that it is unchanged since; it does not prove that what it says is true.</p>`
    : '';
  return origin + signed;
}

export function renderReport(content: BundleContent, createdAt: string): string {
  const { site, run, journal } = content;
  const lastStatus = new Map(journal.map((j) => [j.changeId, j.status]));
  const rows = run.plan.changes.map((c) => changeRow(c, lastStatus.get(c.id))).join('\n');
  const warnings = run.plan.warnings.length
    ? `<ul>${run.plan.warnings.map((w) => `<li>${e(w.message)}</li>`).join('')}</ul>`
    : '<p class="muted">None.</p>';
  const facts = Object.entries(run.plan.facts)
    .map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`)
    .join('');
  // Grouped and ordered as the app's checklist (contract/checklist.ts): failures first, mark and word.
  const checks = content.verification
    ? checklist(content.verification.checks)
        .map(
          (g) =>
            `<h3>${e(g.title)} <span class="muted">(${e(tallyText(g.counts))})</span></h3><table><tr><th>Check</th><th>Result</th><th>Details</th></tr>${g.checks
              .map(
                (c) =>
                  `<tr class="${e(c.status)}"><td>${e(c.title)}</td><td>${e(STATUS_LOOK[c.status].mark)} ${e(STATUS_LOOK[c.status].label)}</td><td>${e(c.summary)}${c.fix ? ` — ${e(c.fix)}` : ''}</td></tr>`,
              )
              .join('')}</table>`,
        )
        .join('\n')
    : '<p class="muted">No verification recorded.</p>';

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>FS PBX NAT Wizard — ${e(site.name)} — ${e(run.startedAt)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#1b2027;max-width:1100px}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border-bottom:1px solid #d8dde4;padding:4px 8px;text-align:left;vertical-align:top}
code{font-size:12px;background:#f1f3f5;padding:0 3px;border-radius:3px;word-break:break-all}.muted{color:#5b6674}
tr.fail td{background:#fdecea}tr.warn td{background:#fff6e0}h1{font-size:22px}h2{font-size:17px;margin-top:28px}h3{font-size:15px;margin:16px 0 4px}</style>
</head><body>
<h1>${e(content.app.name)} — ${e(site.name)}</h1>
${site.ticket ? `<p>Ticket ${e(site.ticket)}</p>` : ''}
<p class="muted">Run ${e(run.runId)} (${e(run.kind)}), status <b>${e(run.status)}</b>, started ${e(run.startedAt)}${run.finishedAt ? `, finished ${e(run.finishedAt)}` : ''}. Report written ${e(createdAt)} by version ${e(content.app.version)}.</p>
${signature(content)}
<h2>Site</h2>
${boxesTable(run)}
<table><tr><th>Router</th><td>${e(site.routerHost)} ${e(site.routerIdentity ?? '')}</td></tr>
<tr><th>PBX</th><td>${e(site.pbxHost)}</td></tr>${facts}</table>
${content.diagram ? `<h2>Network</h2>${networkDiagram(content.diagram)}` : ''}
<h2>Inputs</h2><p class="muted">Passwords and keys are never included.</p>
<pre>${e(JSON.stringify(run.inputs, null, 2))}</pre>
<h2>Warnings</h2>${warnings}
<h2>Plan and results (${run.plan.changes.length} changes)</h2>
<table><tr><th>Box</th><th>Where</th><th>Action</th><th>Before</th><th>After</th><th>Why</th><th>Result</th></tr>
${rows}</table>
<h2>Verification</h2>${checks}
</body></html>
`;
}
