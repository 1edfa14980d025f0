/** Plain-text renderings for a terminal; --json prints the values as they are. */
import type { AppError } from '../../contract/errors';
import type {
  AppInfo,
  ApplyResult,
  BundleRef,
  CheckStatus,
  DiscoverResult,
  DoctorCheck,
  LanFacts,
  PbxSummary,
  PeersProposal,
  Plan,
  PlannedRun,
  RouterSummary,
  RunSummary,
  VerifyResult,
} from '../../contract/types';
import { actionWord, changeName } from '../../contract/change-names';
import { countApplied, countPlan, countWords } from '../../contract/plan-counts';
import { cleanText } from '../../contract/text';
import { boxesLine, halfUndoneHints, isOpen, openRunHints, siteLine } from './run-lines';

/**
 * What reaches the terminal: every line without control, bidi or invisible
 * characters, so a name from a router or a bundle cannot move the cursor,
 * clear the screen or pass for another.
 */
export function terminalSafe(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .split('\t')
        .map((part) => cleanText(part, Number.MAX_SAFE_INTEGER))
        .join('\t'),
    )
    .join('\n');
}

const MARK: Record<CheckStatus, string> = { pass: 'ok  ', warn: 'warn', fail: 'FAIL' };

export function formatInfo(info: AppInfo): string {
  const runtime = Object.entries(info.runtime)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `${info.name} ${info.version} (${info.frontEnd}, ${info.platform})`,
    `data folder: ${info.dataDir}`,
    `runtime:     ${runtime}`,
    ...(info.bundleKey ? [`bundle key:  ${info.bundleKey} (signs the bundles this installation exports)`] : []),
  ].join('\n');
}

export function formatCheck(check: DoctorCheck): string {
  const fix = check.fix ? `\n       → ${check.fix}` : '';
  return `[${MARK[check.status]}] ${check.title}: ${check.summary}${fix}`;
}

export function formatLan(lan: LanFacts): string {
  const lines = lan.interfaces.map(
    (i) => `${i.likelyLan ? '*' : ' '} ${i.name.padEnd(12)} ${i.address.padEnd(15)} ${i.subnet.padEnd(18)} ${i.mac}`,
  );
  if (lines.length === 0) lines.push('  (no IPv4 network)');
  const gateway = lan.defaultGateway
    ? `default gateway: ${lan.defaultGateway.address} via ${lan.defaultGateway.interface}`
    : 'default gateway: none';
  return [...lines, gateway, lan.reasoning].join('\n');
}

export function formatError(error: AppError): string {
  // A key or certificate to compare and accept: the sentence says so, this is what to compare.
  const compare = error.fingerprint ? `\nfingerprint: ${error.fingerprint}` : '';
  return `fspbx-nat: ${error.message} [${error.code}]${compare}`;
}

export function formatRuns(runs: RunSummary[]): string {
  if (runs.length === 0) return 'No runs yet. Plan a site with `fspbx-nat plan <site.json>`.';
  const head = `${'started'.padEnd(24)} ${'kind'.padEnd(8)} ${'status'.padEnd(11)} ${'changes'.padStart(7)}  run`;
  const rows = runs.flatMap((r) => {
    const row = `${r.startedAt.padEnd(24)} ${r.kind.padEnd(8)} ${r.status.padEnd(11)} ${String(r.changeCount).padStart(7)}  ${r.runId}`;
    const site = siteLine(r);
    const boxes = boxesLine(r);
    // What `rollback --snapshot` takes, and the address the plan opened the site on.
    const where = [
      ...(r.snapshotId ? [`snapshot ${r.snapshotId}`] : []),
      ...(r.publicIp ? [`public IP ${r.publicIp}`] : []),
    ].join(' · ');
    const pad = ' '.repeat(25);
    return [
      row,
      ...(site ? [`${pad}site: ${site}`] : []),
      ...(where ? [`${pad}${where}`] : []),
      ...(boxes ? [`${pad}${boxes}`] : []),
    ];
  });
  const open = runs.filter(isOpen).flatMap(openRunHints);
  const halfUndone = runs.flatMap(halfUndoneHints);
  const notes = runs
    .filter((r) => r.status === 'applying')
    .map(
      (r) =>
        `! run ${r.runId} did not finish (${r.status}). If it was never confirmed the router undoes its part by itself; ` +
        `roll both boxes back with \`fspbx-nat rollback --snapshot ${r.snapshotId ?? '<id>'} --site <site.json>\`.`,
    );
  return [head, ...rows, ...open, ...halfUndone, ...notes].join('\n');
}

export function formatBundle(ref: BundleRef): string {
  return `bundle written: ${ref.path}\n${ref.bytes} bytes, sha256 ${ref.sha256}`;
}

export function formatRun(run: RunSummary): string {
  return `imported run ${run.runId} (${run.kind}, ${run.status}, ${run.changeCount} changes, started ${run.startedAt})`;
}

export function formatRouter(r: RouterSummary): string {
  const lines = [
    `router:      ${r.identity} (RouterOS ${r.version}, ${r.board})`,
    `WAN:         ${r.wanAddresses.join(', ') || 'none found'}${r.publicAddress ? ` · cloud says ${r.publicAddress}` : ''}`,
    `gateway:     ${r.defaultRoute ?? 'no default route'}`,
    `account:     ${r.writeAccessUnknown ? 'rights unknown (the router shows no group for this account, e.g. a RADIUS login): apply will tell' : r.canWrite ? 'can write' : 'READ-ONLY: this account cannot make the changes'}`,
  ];
  if (r.fingerprint) lines.push(`certificate: ${r.fingerprint}`);
  if (r.insecure) lines.push('warning:     plain API: the password crossed the LAN unencrypted. Prefer API-SSL.');
  if (r.unverified)
    lines.push(
      "warning:     API-SSL without a certificate: encrypted, but the router's identity was not verified. --make-certificate fixes that.",
    );
  if (r.emptyPassword) {
    lines.push(
      'warning:     the router let this account in with an EMPTY password: anyone on the LAN can log in. Set a password (System › Users).',
    );
  }
  if (r.doubleNat)
    lines.push('warning:     the WAN address is private: another router is in front (double NAT / CGNAT).');
  return lines.join('\n');
}

export function formatDiscover(d: DiscoverResult): string {
  const routers = d.routers.map(
    (r) =>
      `  ${r.isMikrotik ? 'MikroTik ' : 'not MikroTik'} ${(r.ipv4 ?? '?').padEnd(15)} ${r.identity}  ${[r.board, r.version, r.platform].filter(Boolean).join(' · ')}  (${r.mac})`,
  );
  const ssh = d.sshHosts.map((h) => `  ${`${h.address}:${h.port}`.padEnd(21)} ${h.banner || '(no banner)'}`);
  return [
    formatLan(d.lan),
    '',
    `MNDP neighbours (${d.routers.length}):`,
    ...(routers.length ? routers : ['  none answered']),
    `SSH hosts (${d.sshHosts.length}):`,
    ...(ssh.length ? ssh : ['  none found']),
    ...(d.skippedPackets > 0 ? [`(${d.skippedPackets} datagrams were not valid MNDP and were skipped)`] : []),
    ...(d.mndpCut
      ? [
          `note: the list stops at ${d.mndpCut.limit} devices; ${d.mndpCut.leftOut} more answered and are not shown (a flood of forged announcements, or a very large LAN). Scan on the customer's LAN port only.`,
        ]
      : []),
    ...(d.mndpPortBusy
      ? [
          'note: another program (WinBox? The Dude?) holds UDP port 5678, so routers that answer by broadcast were not heard. Close it and scan again.',
        ]
      : []),
  ].join('\n');
}

const PBX_KIND: Record<PbxSummary['kind'], string> = {
  fspbx: 'FS PBX',
  fusionpbx: 'FusionPBX (plain)',
  'not-a-pbx': 'NOT A PBX: no FS PBX or FusionPBX on this host',
};

export function formatPbx(p: PbxSummary): string {
  return [
    `host:        ${p.hostname} — ${PBX_KIND[p.kind]}`,
    ...(p.fspbxVersion ? [`FS PBX:      ${p.fspbxVersion}`] : []),
    ...(p.freeswitchVersion
      ? [`FreeSWITCH:  ${p.freeswitchVersion}${p.switchname ? ` (switchname ${p.switchname})` : ''}`]
      : []),
    `host key:    ${p.hostKey}`,
  ].join('\n');
}

/** pbx peers: what step 4 would be pre-filled with; [x] = selected, [ ] = waits for the technician's tick. */
export function formatPeers(p: PeersProposal): string {
  const box = (selected: boolean) => (selected ? '[x]' : '[ ]');
  const lines = [`Trunks from the PBX's gateways (${p.resolver.note}):`];
  for (const t of p.trunks) {
    lines.push(`  ${box(t.selected)} ${t.address.padEnd(18)} ${t.name}`);
    for (const s of t.sources)
      lines.push(`        ${s.role} ${s.record}: ${s.lookup} — state ${s.state ?? 'not running'}`);
  }
  if (p.trunks.length === 0) lines.push('  (none)');
  lines.push('', 'Remote phones from registrations (not allowed until you tick them):');
  for (const ph of p.phones) {
    const who = ph.sources.map((s) => `${s.user}${s.agent ? ` (${s.agent})` : ''}`).join(', ');
    lines.push(`  ${box(ph.selected)} ${ph.address.padEnd(18)} ${who}`);
  }
  if (p.phones.length === 0) lines.push('  (none)');
  if (p.notProposed.length > 0) {
    lines.push('', 'Not proposed:');
    for (const n of p.notProposed) lines.push(`  ${n.what}: ${n.why}`);
  }
  if (p.warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const w of p.warnings) lines.push(`  warn ${w.message}`);
  }
  return lines.join('\n');
}

/** Where a next-step hint names the site file and logins; the command fills in what it was given. */
const SITE_PLACEHOLDER = '--site <site.json>';

export function formatPlan(p: PlannedRun, site = SITE_PLACEHOLDER): string {
  // The same count and the same names as the app's Review (contract/plan-counts.ts, change-names.ts).
  const lines = [`run ${p.runId}: ${countWords(countPlan(p.plan))} (nothing has been changed yet)`];
  for (const target of ['router', 'pbx'] as const) {
    const changes = p.plan.changes.filter((c) => c.target === target);
    lines.push('', `${target === 'router' ? 'Router' : 'PBX'} (${changes.length}):`);
    for (const c of changes) {
      const after = c.after
        ? Object.entries(c.after)
            .map(([k, v]) => `${k}=${v ?? 'NULL'}`)
            .join(' ')
        : '';
      lines.push(
        `  ${actionWord(c).padEnd(6)} ${changeName(c)}`,
        `         ${c.path} ${after}`.trimEnd(),
        `         why: ${c.reason}`,
      );
    }
  }
  // The router's own undo, sized before anything is sent (routeros/revert.ts), as the Review shows it.
  const revert = p.plan.facts['router.revert'];
  if (revert) lines.push('', `Automatic undo on the router: ${revert}`);
  if (p.plan.warnings.length) lines.push('', 'Warnings:', ...p.plan.warnings.map((w) => `  ! ${w.message}`));
  lines.push('', `Review it, then: fspbx-nat apply --run ${p.runId} ${site} --yes`);
  return lines.join('\n');
}

/**
 * What an apply or rollback-apply did. With the run's plan, changes and PBX steps are counted apart in
 * the Review's words ("16 changes and 12 PBX steps applied"); without it (the history could not be
 * read) the sent items are counted together and said to be so.
 */
export function formatApply(r: ApplyResult, site = SITE_PLACEHOLDER, plan?: Plan): string {
  const sent = plan
    ? countWords(countApplied(plan, r.applied))
    : `${r.applied.length} ${r.applied.length === 1 ? 'change or PBX step' : 'changes and PBX steps'}`;
  const lines = [`run ${r.runId}: ${r.status}, ${sent} applied`];
  if (r.failed) lines.push(`failed at ${r.failed.changeId || '(before the first change)'}: ${r.failed.message}`);
  if (r.revertAt) {
    lines.push(
      `The router undoes its own changes at ${r.revertAt} (the PBX keeps its changes) unless you run: fspbx-nat confirm --run ${r.runId} ${site} --yes`,
      `Check it first: fspbx-nat verify --run ${r.runId} ${site}`,
    );
  }
  return lines.join('\n');
}

export function formatVerify(r: VerifyResult, site = SITE_PLACEHOLDER): string {
  const lines = r.checks.map(
    (c) => formatCheck(c) + (c.status !== 'pass' && c.changeId ? `\n       → plan entry ${c.changeId}` : ''),
  );
  const count = (s: CheckStatus) => r.checks.filter((c) => c.status === s).length;
  lines.push(
    '',
    `run ${r.runId}: ${r.status} (${count('pass')} ok, ${count('warn')} warnings, ${count('fail')} failed)`,
  );
  if (r.status !== 'fail') lines.push(`Keep the changes: fspbx-nat confirm --run ${r.runId} ${site} --yes`);
  return lines.join('\n');
}
