/**
 * report.html: the page a customer keeps in the site's file. It reads as a
 * document — site, date, who installed it, what was opened to whom and why,
 * what changed on the PBX, the checks, how to undo — in WinBox and FS PBX
 * words (contract/change-names.ts); the raw data (plan facts, every change's
 * fields, the inputs) is an appendix for whoever services the site. Pure.
 */
import { changeName, groupChanges, openedTo, forwardedPorts, type ChangeGroup } from '../../contract/change-names';
import { checklist, STATUS_LOOK, tallyText } from '../../contract/checklist';
import { boxList, boxWords } from '../../contract/boxes';
import { countPlan, countWords } from '../../contract/plan-counts';
import type { Change, RunBoxes, RunStatus } from '../../contract/types';
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

/** A date as people write it: "2026-12-07 14:05 UTC". */
function when(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

const STATUS_WORDS: Record<RunStatus, string> = {
  planned: 'planned, not applied',
  applying: 'being applied (unfinished)',
  applied: 'applied, not yet confirmed: the router undoes its part by itself unless confirmed',
  verified: 'applied and checked, not yet confirmed',
  confirmed: 'applied and confirmed: the changes stay',
  failed: 'stopped by an error: see the checks and the appendix',
  'rolled-back': 'rolled back',
  interrupted: 'interrupted (the link dropped): see the appendix',
};

/** What the run's changes are on each box now (applied, undone by the router's timer, rolled back by run X, confirmed). */
function boxesTable(run: { boxes?: RunBoxes }): string {
  const rows = boxList(run.boxes).map(
    ({ name, box }) => `<tr><th>${e(name)}</th><td>${e(boxWords(box))} — ${e(when(box.at))}</td></tr>`,
  );
  return rows.length ? `<table>${rows.join('')}</table>` : '';
}

function signature(content: BundleContent): string {
  const imported = content.run.imported;
  const origin = imported
    ? `<p><b>Imported from a bundle</b> (${imported.signature === 'unsigned' ? 'unsigned' : `signed by ${imported.signature === 'this-installation' ? 'this installation' : 'another installation'}, key ${e(imported.key ?? '?')}`}): history to read; nothing in it is ever applied.</p>`
    : '';
  const signed = content.signedBy
    ? `<p class="muted">This file is signed by the technician's installation of the wizard, key <code>${e(content.signedBy)}</code>. The signature proves which installation made the file and that it is unchanged since; it does not prove that what it says is true.</p>`
    : '';
  return origin + signed;
}

/** One group: its WinBox or FS PBX place and its reason once, then each entry by name. */
function groupSection(group: ChangeGroup, status: Map<string, string>): string {
  const items = group.changes
    .map((c) => {
      const done = status.get(c.id);
      const change =
        c.action === 'set' && c.after
          ? ` — ${Object.entries(c.after)
              .map(([k, v]) => `${e(k)} ${e(c.before?.[k] ?? '(empty)')} → ${e(v ?? '(empty)')}`)
              .join(', ')}`
          : '';
      const verb = c.action === 'add' ? 'Added' : c.action === 'remove' ? 'Removed' : 'Changed';
      return `<li>${verb} <span class="addr">${e(changeName(c))}</span>${change}${done && done !== 'done' ? ` <b>(${e(done)})</b>` : ''}</li>`;
    })
    .join('');
  return `<h3>${e(group.title)} <span class="muted">— ${e(group.menu)}</span></h3><p>${e(group.why)}</p><ul>${items}</ul>`;
}

function openedSection(changes: readonly Change[]): string {
  const router = changes.filter((c) => c.target === 'router');
  const opened = openedTo(router);
  const ports = forwardedPorts(router);
  if (opened.length === 0) return '<p>Nothing new was opened from the Internet.</p>';
  // An address-list entry's comment names the peer ("fspbx-nat: trunk Carrier").
  const named = router.filter((c) => c.path === '/ip/firewall/address-list' && c.action === 'add');
  const rows = opened
    .map((o) => {
      const comment = named.find((c) => c.after?.address === o.address && c.after?.list === o.list)?.after?.comment;
      const who = comment ? comment.replace(/^fspbx-nat:\s*/, '') : '';
      return `<tr><td class="addr">${e(o.address)}</td><td>${e(who)}</td><td>${e(o.list)}</td></tr>`;
    })
    .join('');
  return `<p>The router forwards ${e(ports.join(', ') || 'the SIP and audio ports')} to the PBX, and only from these addresses; everyone else is still shut out.</p>
<table><tr><th>Address</th><th>Who</th><th>Router list (IP › Firewall › Address Lists)</th></tr>${rows}</table>`;
}

function undoSection(content: BundleContent): string {
  const { run } = content;
  const snapshot = run.snapshotId ?? content.snapshot?.snapshotId;
  return `<ul>
<li>Until the change is confirmed, the router undoes its own part by itself when its timer runs out.</li>
<li>In the FS PBX NAT Wizard: History › this visit › Roll back. Both boxes return to the state saved just before the change${snapshot ? ` (snapshot <code>${e(snapshot)}</code>; from the command line: <code>fspbx-nat rollback --snapshot ${e(snapshot)}</code>)` : ''}.</li>
<li>By hand: this bundle holds <code>router/rollback.rsc</code> (paste it into WinBox › New Terminal) and, for the PBX, <code>pbx/rollback.sql</code> and <code>pbx/rollback-steps.sh</code>.</li>
</ul>`;
}

export function renderReport(content: BundleContent, createdAt: string): string {
  const { site, run, journal } = content;
  const lastStatus = new Map(journal.map((j) => [j.changeId, j.status]));
  const rows = run.plan.changes.map((c) => changeRow(c, lastStatus.get(c.id))).join('\n');
  const counts = countPlan(run.plan);
  const groups = groupChanges(run.plan.changes);
  const routerGroups = groups.filter((g) => g.target === 'router');
  const pbxGroups = groups.filter((g) => g.target === 'pbx');
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
    : '<p class="muted">No checks were recorded for this visit.</p>';
  const publicIp = run.facts?.publicIp ?? run.plan.facts['pbx.publicIp'];
  const title = run.kind === 'rollback' ? 'Rollback report' : 'NAT configuration report';

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${e(title)} — ${e(site.name)} — ${e(when(run.startedAt))}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#1b2027;max-width:1000px}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border-bottom:1px solid #d8dde4;padding:4px 8px;text-align:left;vertical-align:top}
code{font-size:12px;background:#f1f3f5;padding:0 3px;border-radius:3px;overflow-wrap:anywhere}.muted{color:#5b6674}.addr{white-space:nowrap}
tr.fail td{background:#fdecea}tr.warn td{background:#fff6e0}h1{font-size:22px}h2{font-size:17px;margin-top:28px}h3{font-size:15px;margin:16px 0 4px}
.appendix{margin-top:48px;border-top:2px solid #d8dde4}</style>
</head><body>
<h1>${e(title)} — ${e(site.name)}</h1>
<table>
<tr><th>Site</th><td>${e(site.customer ?? site.name)}${site.ticket ? ` (ticket ${e(site.ticket)})` : ''}</td></tr>
<tr><th>Date</th><td>${e(when(run.startedAt))}${run.finishedAt ? `, finished ${e(when(run.finishedAt))}` : ''}</td></tr>
<tr><th>Router</th><td>${e(site.routerIdentity ?? 'MikroTik')} at <span class="addr">${e(site.routerHost)}</span>${publicIp ? `; public address <span class="addr">${e(publicIp)}</span>` : ''}</td></tr>
<tr><th>PBX</th><td>FS PBX at <span class="addr">${e(site.pbxHost)}</span></td></tr>
<tr><th>Outcome</th><td>${e(STATUS_WORDS[run.status])}; ${e(countWords(counts))} (${counts.router} on the router, ${counts.pbx} on the PBX)</td></tr>
<tr><th>Made with</th><td>${e(content.app.name)} ${e(content.app.version)}, report written ${e(when(createdAt))}</td></tr>
</table>
${signature(content)}
${boxesTable(run)}
<h2>What was opened, to whom, and why</h2>
${openedSection(run.plan.changes)}
${routerGroups.map((g) => groupSection(g, lastStatus)).join('\n') || '<p class="muted">No router changes.</p>'}
<h2>What changed on the PBX</h2>
${pbxGroups.map((g) => groupSection(g, lastStatus)).join('\n') || '<p class="muted">No PBX changes.</p>'}
${counts.pbxSteps > 0 ? `<p>Then ${counts.pbxSteps} ${counts.pbxSteps === 1 ? 'step' : 'steps'} made FreeSWITCH take the changes (files written, profiles reloaded).</p>` : ''}
<h2>Points to know</h2>${warnings}
${content.diagram ? `<h2>Network</h2>${networkDiagram(content.diagram)}` : ''}
<h2>Checks after the change</h2>${checks}
<h2>How to undo</h2>
${undoSection(content)}
<section class="appendix">
<h2>Appendix: raw data</h2>
<p class="muted">For whoever services this site: the run's identifiers, the facts the plan relied on, every change field by field, and the inputs as given (passwords and keys are never included).</p>
<p class="muted">Run <code>${e(run.runId)}</code> (${e(run.kind)}), status ${e(run.status)}, started ${e(run.startedAt)}.</p>
<h3>Facts</h3>
<table>${facts}</table>
<h3>Changes and results (${e(countWords(counts))})</h3>
<table><tr><th>Box</th><th>Where</th><th>Action</th><th>Before</th><th>After</th><th>Why</th><th>Result</th></tr>
${rows}</table>
<h3>Inputs</h3>
<pre>${e(JSON.stringify(run.inputs, null, 2))}</pre>
</section>
</body></html>
`;
}
