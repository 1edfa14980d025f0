/** The router's half: every entry the plan added is there and enabled, the SIP helper is off, the account has a password. */
import { changeName } from '../../../contract/change-names';
import type { VerifyCheck } from '../../../contract/types';
import type { RouterChange } from '../../routeros/change';
import { MENUS, menuOf } from '../../routeros/menus';
import { isDisabled, menuKeyOf, sameValue, type RouterState } from '../../routeros/state';
import type { SitePlan } from '../combine';
import { nameChecks } from './names';
import { changeIdOf, withChange, type Check } from './shared';

/** Is the change's wanted entry on the router now, enabled? */
export function present(state: RouterState, change: RouterChange): boolean {
  const key = menuKeyOf(change.path);
  if (!key || !change.after) return true;
  const items = state[key];
  const wanted = Object.entries(change.after).filter(([k]) => k !== 'place-before' && k !== '.id');
  return items.some(
    (item) =>
      wanted.every(([k, v]) => sameValue(item[k], v ?? undefined)) &&
      (change.after!.disabled !== undefined || !isDisabled(item)),
  );
}

/**
 * Every entry the run added is gone (its automatic undo ran, or someone reset the router): one
 * headline says so, not one failure per entry.
 */
function oneHeadlineIfAllGone(entries: Check[]): Check[] {
  if (entries.length < 2 || entries.some((c) => c.status !== 'fail')) return entries;
  return [
    {
      id: 'router-undone',
      title: 'This run on the router',
      status: 'fail',
      summary: `None of the ${entries.length} entries this run added is on the router any more: its automatic undo ran (the time to keep the changes was up), or someone removed them. The PBX still has its changes.`,
      fix: 'Undo the PBX half (History: Undo the PBX half; CLI: rollback --snapshot <id> --only pbx), or plan and apply again.',
    },
  ];
}

export function routerChecks(plan: SitePlan, state: RouterState): Check[] {
  const checks: Check[] = [];
  const entries: Check[] = [];
  for (const change of plan.router?.changes ?? []) {
    // The menu table says which additions verify looks for, and how it speaks of them.
    const speak = menuOf(change.path)?.verify;
    if (change.action === 'remove' || !speak) continue;
    const ok = present(state, change);
    const what = speak.describe(change.after ?? {});
    entries.push({
      id: `router-${change.id}`,
      // Named as WinBox shows it (IP › Firewall › NAT › …): the Review groups and the report say the same.
      title: changeName(change),
      status: ok ? 'pass' : 'fail',
      summary: ok
        ? `${what}: present and enabled on the router.`
        : `${what}: missing or disabled on the router, so ${speak.consequence(change.after ?? {})}.`,
      ...(ok
        ? {}
        : {
            fix: 'Someone removed or disabled it (WinBox, another script, or the revert timer ran out). Apply this plan entry again.',
            changeId: change.id,
          }),
    });
  }
  checks.push(...oneHeadlineIfAllGone(entries));
  checks.push(
    ...nameChecks(
      (plan.router?.changes ?? []).filter((c) => present(state, c)),
      state,
    ),
  );
  const sip = state.servicePorts.find((p) => p.name === 'sip');
  const helperOff = sip === undefined || isDisabled(sip);
  checks.push({
    id: 'sip-helper',
    title: 'SIP helper (SIP ALG)',
    status: helperOff ? 'pass' : 'fail',
    summary: helperOff
      ? 'Off.'
      : 'SIP helper still on: it rewrites SIP and causes one-way audio and lost registrations.',
    ...(helperOff
      ? {}
      : {
          fix: 'Disable IP › Firewall › Service Ports › sip (or apply this plan entry again).',
          ...withChange(changeIdOf(plan, (c) => c.path === MENUS.servicePorts)),
        }),
  });
  return checks;
}

/**
 * A router account that logs in with no password is a finding of its own: anyone on the
 * LAN (or on the WAN, if the API is open there) can change what the wizard just set.
 */
export function routerAccountCheck(username: string, password: string): VerifyCheck | undefined {
  if (password !== '') return undefined;
  return {
    id: 'router-empty-password',
    title: 'Router account password',
    status: 'warn',
    summary: `The router account "${username}" has no password.`,
    fix: 'Give it one (WinBox › System › Users, or /user set <name> password=…), then use it here.',
  };
}
