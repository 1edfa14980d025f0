/**
 * The verify result as a checklist: grouped by where the check looked (router,
 * PBX, traffic), failures first. Pure: checks in, groups out. Shared by the
 * app's Verify step and the bundle's report.html, so both read alike.
 */
import type { CheckGroup, CheckStatus, VerifyCheck } from './types';

export const GROUP_TITLES: Readonly<Record<CheckGroup, string>> = {
  router: 'Router',
  pbx: 'PBX',
  traffic: 'Traffic',
};

/** Never colour alone: each status has its own mark and word. */
export const STATUS_LOOK: Readonly<Record<CheckStatus, { mark: string; label: string }>> = {
  fail: { mark: '✗', label: 'Fail' },
  warn: { mark: '!', label: 'Warning' },
  pass: { mark: '✓', label: 'Pass' },
};

const RANK: Readonly<Record<CheckStatus, number>> = { fail: 0, warn: 1, pass: 2 };
const GROUP_ORDER: readonly CheckGroup[] = ['router', 'pbx', 'traffic'];

/**
 * For results that carry no group (older runs, bundles): the traffic checks'
 * ids (SIP OPTIONS probes, forward counters, trunk gateways), then the router's
 * read-back ids; everything else was read from the PBX.
 */
const INFERRED: readonly (readonly [RegExp, CheckGroup])[] = [
  [/^(sip-(?!helper$)|router-counters$|gateways?(-|$))/, 'traffic'],
  [/^(router-|sip-helper$|wan-address$)/, 'router'],
];

export function groupOf(check: VerifyCheck): CheckGroup {
  return check.group ?? INFERRED.find(([pattern]) => pattern.test(check.id))?.[1] ?? 'pbx';
}

export type Tally = Record<CheckStatus, number>;

export function tally(checks: readonly VerifyCheck[]): Tally {
  const counts: Tally = { fail: 0, warn: 0, pass: 0 };
  for (const c of checks) counts[c.status] += 1;
  return counts;
}

/** The worst status among the checks; pass for none. */
export function worst(checks: readonly VerifyCheck[]): CheckStatus {
  const counts = tally(checks);
  return counts.fail > 0 ? 'fail' : counts.warn > 0 ? 'warn' : 'pass';
}

/** "2 failed, 1 warning, 12 passed", leaving out what is zero. */
export function tallyText(counts: Tally): string {
  const parts = [
    counts.fail > 0 ? `${counts.fail} failed` : '',
    counts.warn > 0 ? `${counts.warn} ${counts.warn === 1 ? 'warning' : 'warnings'}` : '',
    counts.pass > 0 ? `${counts.pass} passed` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no checks';
}

export interface ChecklistGroup {
  id: CheckGroup;
  title: string;
  status: CheckStatus;
  counts: Tally;
  /** Failures first, then warnings, then passes; in the verifier's order within each. */
  checks: VerifyCheck[];
}

/** Groups with at least one check; a group with a failure comes before one without. */
export function checklist(checks: readonly VerifyCheck[]): ChecklistGroup[] {
  const groups = GROUP_ORDER.map((id) => {
    const mine = checks.filter((c) => groupOf(c) === id);
    // Array.prototype.sort is stable: equal statuses keep the verifier's order.
    const sorted = [...mine].sort((a, b) => RANK[a.status] - RANK[b.status]);
    return { id, title: GROUP_TITLES[id], status: worst(mine), counts: tally(mine), checks: sorted };
  }).filter((g) => g.checks.length > 0);
  return groups.sort((a, b) => RANK[a.status] - RANK[b.status]);
}
