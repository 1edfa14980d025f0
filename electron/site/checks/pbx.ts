/** The PBX's half: the running profiles' external addresses and NAT detection, FreeSWITCH up, the host firewall and the RTP range. */
import { isPrivate } from '../../lan/ipv4';
import { droppedPorts } from '../../pbx/parse/host-firewall';
import type { PbxState, PortRange } from '../../pbx/model/state';
import type { SitePlan } from '../combine';
import type { ForwardedPorts } from './forwards';
import { changeIdOf, withChange, type Check } from './shared';

export interface PbxCheckOptions {
  /** The run's plan: failed checks point at the entry that fixes them. */
  plan?: SitePlan;
  /** The router's RTP forward, compared with the PBX's range. */
  rtp?: PortRange;
  /** Every port the router forwards to the PBX: the host firewall must let each in. */
  forwards?: ForwardedPorts[];
  /**
   * The PBX address the router forwards to. A profile bound to exactly that address is reached
   * through the router even when it is a 127.x one (the loopback demo site's LAN).
   */
  pbxAddress?: string;
}

/** The plan entry that sets a FreeSWITCH variable (v_vars rows are keyed by uuid; the name is on the row). */
function varChangeId(plan: SitePlan | undefined, state: PbxState, name: string): string | undefined {
  const uuids = new Set(state.vars.filter((v) => v.var_name === name).map((v) => v.var_uuid));
  return changeIdOf(
    plan,
    (c) =>
      c.target === 'pbx' &&
      c.path === 'v_vars' &&
      ('key' in c && typeof c.key === 'string' ? uuids.has(c.key) : c.after?.var_name === name),
  );
}

function formatRanges(ranges: PortRange[]): string {
  return ranges.map((d) => (d.start === d.end ? String(d.start) : `${d.start}-${d.end}`)).join(', ');
}

export function pbxChecks(state: PbxState, publicIp: string, options: PbxCheckOptions = {}): Check[] {
  const { plan, rtp: forwardedRtp, forwards } = options;
  const checks: Check[] = [];
  const wanted = [`autonat:${publicIp}`, publicIp];
  for (const profile of state.running ?? []) {
    if (profile.name.includes('ipv6')) continue;
    for (const field of ['ext-rtp-ip', 'ext-sip-ip']) {
      const value = profile.info[field] ?? '';
      const ok = wanted.includes(value);
      const variable = field === 'ext-rtp-ip' ? 'external_rtp_ip' : 'external_sip_ip';
      const lanLike = value === '' || isPrivate(value.replace(/^autonat:/, ''));
      checks.push({
        id: `${profile.name}-${field}`,
        title: `${profile.name} profile ${field}`,
        status: ok ? 'pass' : 'fail',
        summary: ok
          ? `Running with ${value}.`
          : lanLike
            ? `${variable} is still the LAN address (${value || 'nothing'}): FreeSWITCH tells outside callers to send ${field === 'ext-rtp-ip' ? 'audio' : 'SIP'} to an address they cannot reach (one-way or no audio).`
            : `Running with "${value}" instead of the public IP ${publicIp}: outside callers are sent to the wrong address.`,
        ...(ok
          ? {}
          : {
              fix: `Set ${variable} to autonat:${publicIp} (Advanced › Variables), then on the PBX run fs_cli -x reloadxml, clear the cached SIP profiles (FS PBX: Flush Cache) and run fs_cli -x "sofia profile ${profile.name} rescan": FS PBX copies the variable into the profile when it generates it, so the order matters.`,
              ...withChange(varChangeId(plan, state, variable)),
            }),
      });
    }
    const bound = profile.info['sip-ip'] ?? '';
    if (bound.startsWith('127.') && bound !== options.pbxAddress) {
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
        : 'aggressive-nat-detection is not active on the running profile: phones behind NAT may register with addresses the PBX cannot reach.',
      ...(on
        ? {}
        : {
            fix: 'Enable aggressive-nat-detection on the internal SIP profile, then rescan it (sofia profile internal rescan).',
            ...withChange(
              changeIdOf(
                plan,
                (c) =>
                  c.path === 'v_sip_profile_settings' &&
                  c.after?.sip_profile_setting_name === 'aggressive-nat-detection',
              ),
            ),
          }),
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
  if (state.firewall && forwards) {
    for (const forward of forwards) {
      const { protocol, range } = forward;
      const what = `${protocol.toUpperCase()} ${formatRanges([range])}`;
      const dropped = droppedPorts(state.firewall, protocol, range);
      checks.push({
        id: `host-firewall-${protocol}-${range.start}-${range.end}`,
        title: `PBX host firewall, ${what}`,
        status: dropped.length === 0 ? 'pass' : 'fail',
        summary:
          dropped.length === 0
            ? `Lets the forwarded ${what} in.`
            : `Host firewall drops ${protocol.toUpperCase()} ${formatRanges(dropped)}: the router forwards it, the PBX throws it away.`,
        ...(dropped.length === 0
          ? {}
          : {
              fix: `Allow ${protocol.toUpperCase()} ${formatRanges(dropped)} in the PBX's iptables (iptables -S shows the rule; FS PBX keeps them in /etc/iptables/rules.v4) and reload it.`,
            }),
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
