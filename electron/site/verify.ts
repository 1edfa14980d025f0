/**
 * Read-back checks after an apply (or on demand): what the plan wanted is
 * what both boxes now have and run. Pure: from the plan and the states read
 * now to checks a technician can act on, each pointing at the plan entry
 * that would fix it.
 */
import type { CheckStatus, VerifyCheck } from '../api/types';
import { isCgnat, isPrivate } from '../lan/ipv4';
import { droppedPorts } from '../pbx/host-firewall';
import type { PbxState } from '../pbx/state';
import type { RouterChange } from '../routeros/change';
import { isDisabled, sameValue, type RouterState } from '../routeros/state';
import type { SitePlan } from './combine';

type Check = Omit<VerifyCheck, 'status'> & { status: CheckStatus };

const STATE_KEY: Record<string, keyof RouterState> = {
  '/ip/firewall/address-list': 'addressLists',
  '/ip/firewall/nat': 'nat',
  '/ip/firewall/filter': 'filter',
  '/ip/firewall/service-port': 'servicePorts',
};

/** Is the change's wanted entry on the router now, enabled? */
function present(state: RouterState, change: RouterChange): boolean {
  const key = STATE_KEY[change.path];
  if (!key || !change.after) return true;
  const items = state[key] as RouterState['nat'];
  const wanted = Object.entries(change.after).filter(([k]) => k !== 'place-before' && k !== '.id');
  return items.some(
    (item) =>
      wanted.every(([k, v]) => sameValue(item[k], v ?? undefined)) &&
      (change.after!.disabled !== undefined || !isDisabled(item)),
  );
}

export function routerChecks(plan: SitePlan, state: RouterState): Check[] {
  const checks: Check[] = [];
  for (const change of plan.router?.changes ?? []) {
    if (change.action === 'remove' || change.path === '/system/script' || change.path === '/system/scheduler') continue;
    if (change.path === '/ip/firewall/service-port') continue;
    const ok = present(state, change);
    checks.push({
      id: `router-${change.id}`,
      title: `${change.path} ${change.after?.comment ?? change.after?.list ?? ''}`.trim(),
      status: ok ? 'pass' : 'fail',
      summary: ok ? 'Present and enabled on the router.' : 'Missing or disabled on the router.',
      ...(ok ? {} : { fix: 'Apply the plan again, or check that nobody removed it in WinBox.', changeId: change.id }),
    });
  }
  const sip = state.servicePorts.find((p) => p.name === 'sip');
  const helperOff = sip === undefined || isDisabled(sip);
  checks.push({
    id: 'sip-helper',
    title: 'SIP helper (SIP ALG)',
    status: helperOff ? 'pass' : 'fail',
    summary: helperOff ? 'Off.' : 'Still on: it rewrites SIP and causes one-way audio and lost registrations.',
    ...(helperOff ? {} : { fix: 'Disable IP › Firewall › Service Ports › sip.' }),
  });
  return checks;
}

export function pbxChecks(state: PbxState, publicIp: string, forwardedRtp?: { start: number; end: number }): Check[] {
  const checks: Check[] = [];
  const wanted = [`autonat:${publicIp}`, publicIp];
  for (const profile of state.running ?? []) {
    if (profile.name.includes('ipv6')) continue;
    for (const field of ['ext-rtp-ip', 'ext-sip-ip']) {
      const value = profile.info[field] ?? '';
      const ok = wanted.includes(value);
      checks.push({
        id: `${profile.name}-${field}`,
        title: `${profile.name} profile ${field}`,
        status: ok ? 'pass' : 'fail',
        summary: ok
          ? `Running with ${value}.`
          : `Running with "${value || 'nothing'}" instead of the public IP ${publicIp}.`,
        ...(ok ? {} : { fix: 'Restart the profile so it loads the new value (sofia profile … restart).' }),
      });
    }
    const bound = profile.info['sip-ip'] ?? '';
    if (bound.startsWith('127.')) {
      checks.push({
        id: `${profile.name}-loopback`,
        title: `${profile.name} profile address`,
        status: 'fail',
        summary: `Bound to ${bound}: nothing outside the PBX can reach it.`,
        fix: 'Set sip-ip and rtp-ip back to $${local_ip_v4} and restart the profile.',
      });
    }
  }
  const internal = state.running?.find((p) => p.name === 'internal');
  if (internal) {
    const on = internal.info['aggressive-nat'] === 'true';
    checks.push({
      id: 'internal-aggressive-nat',
      title: 'internal profile NAT detection',
      status: on ? 'pass' : 'warn',
      summary: on
        ? 'aggressive-nat-detection is active.'
        : 'aggressive-nat-detection is not active on the running profile.',
    });
  }
  if (state.running === null) {
    checks.push({
      id: 'freeswitch',
      title: 'FreeSWITCH',
      status: 'fail',
      summary: 'fs_cli did not answer: FreeSWITCH may be down.',
      fix: 'Check `systemctl status freeswitch` on the PBX.',
    });
  }
  if (state.firewall && forwardedRtp) {
    for (const [protocol, range, what] of [
      ['udp', { start: 5060, end: 5060 }, 'SIP 5060'],
      ['udp', { start: 5080, end: 5080 }, 'SIP 5080'],
      ['udp', forwardedRtp, 'RTP'],
    ] as const) {
      const dropped = droppedPorts(state.firewall, protocol, range);
      checks.push({
        id: `host-firewall-${what}`,
        title: `PBX host firewall, ${what}`,
        status: dropped.length === 0 ? 'pass' : 'fail',
        summary:
          dropped.length === 0
            ? `Lets ${protocol.toUpperCase()} ${range.start}-${range.end} in.`
            : `Drops ${protocol.toUpperCase()} ${dropped.map((d) => (d.start === d.end ? d.start : `${d.start}-${d.end}`)).join(', ')}.`,
        ...(dropped.length === 0
          ? {}
          : { fix: 'Allow those ports in /etc/iptables/rules.v4 on the PBX and reload iptables.' }),
      });
    }
  }
  if (forwardedRtp) {
    const covers = forwardedRtp.start <= state.rtp.start && forwardedRtp.end >= state.rtp.end;
    checks.push({
      id: 'rtp-range',
      title: 'RTP range',
      status: covers ? 'pass' : 'fail',
      summary: covers
        ? `The router forwards ${forwardedRtp.start}-${forwardedRtp.end}, the PBX uses ${state.rtp.start}-${state.rtp.end}.`
        : `The router forwards ${forwardedRtp.start}-${forwardedRtp.end} but the PBX uses ${state.rtp.start}-${state.rtp.end}: calls will have no audio.`,
      ...(covers ? {} : { fix: 'Plan again: the forward follows the PBX range.' }),
    });
  }
  return checks;
}

export function wanCheck(publicIp: string): Check {
  const hidden = isPrivate(publicIp) || isCgnat(publicIp);
  return {
    id: 'wan-address',
    title: 'WAN address',
    status: hidden ? 'fail' : 'pass',
    summary: hidden
      ? `${publicIp} is private: another router (or the ISP's CGNAT) is in front, so forwards on this router alone do not reach the PBX.`
      : `${publicIp} is public.`,
    ...(hidden
      ? { fix: 'Forward the same ports on the router in front, or ask the ISP for a public address (bridge mode).' }
      : {}),
  };
}

export function overall(checks: VerifyCheck[]): CheckStatus {
  return checks.some((c) => c.status === 'fail') ? 'fail' : checks.some((c) => c.status === 'warn') ? 'warn' : 'pass';
}
