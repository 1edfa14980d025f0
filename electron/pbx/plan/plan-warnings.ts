/** Warnings about the PBX host around the plan: its firewall, profiles on loopback, FreeSWITCH not answering. Pure. */
import { isIPv4 } from '../../../contract/ipv4';
import type { Warning } from '../../../contract/types';
import { droppedPorts, ipv4Span } from '../parse/host-firewall';
import { enabled, loadedProfiles } from '../model/profile-rows';
import type { PbxState, PortRange } from '../model/state';

export interface FirewallInputs {
  routerRtp?: PortRange;
  forwarded?: { protocol: 'udp' | 'tcp'; range: PortRange; what: string }[];
  routerLanAddress?: string;
}

export function firewallWarnings(state: PbxState, inputs: FirewallInputs): Warning[] {
  const warnings: Warning[] = [];
  if (!state.firewall) {
    warnings.push({
      code: 'host-firewall-unknown',
      target: 'pbx',
      message: 'The PBX host firewall could not be read; check it allows SIP and RTP.',
    });
    return warnings;
  }
  const rtp = inputs.routerRtp ?? state.rtp;
  const forwarded = inputs.forwarded ?? [
    ...(['udp', 'tcp'] as const).flatMap((protocol) => [
      { protocol, range: { start: 5060, end: 5060 }, what: `SIP ${protocol.toUpperCase()} 5060` },
      { protocol, range: { start: 5080, end: 5080 }, what: `SIP ${protocol.toUpperCase()} 5080` },
    ]),
    { protocol: 'udp' as const, range: rtp, what: 'RTP' },
  ];
  for (const f of forwarded) {
    const dropped = droppedPorts(state.firewall, f.protocol, f.range);
    if (dropped.length === 0) continue;
    const ports = dropped.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`)).join(', ');
    warnings.push({
      code: 'host-firewall-drops',
      target: 'pbx',
      message: `The PBX host firewall (iptables) drops ${f.what} on ${f.protocol.toUpperCase()} ${ports}: the router would forward it, but the PBX would not let it in.`,
    });
  }
  if (inputs.routerLanAddress && isIPv4(inputs.routerLanAddress)) {
    const source = ipv4Span(inputs.routerLanAddress)!;
    if (droppedPorts(state.firewall, 'udp', { start: 5060, end: 5060 }, source).length > 0) {
      warnings.push({
        code: 'host-firewall-blocks-router',
        target: 'pbx',
        message: `The PBX host firewall drops SIP from the router (${inputs.routerLanAddress}), probably event_guard after failed logins; with hairpin NAT every phone then looks like the router. Unblock it in FS PBX.`,
      });
    }
  }
  return warnings;
}

export function loopbackSettings(state: PbxState): Warning[] {
  const warnings: Warning[] = [];
  for (const profile of loadedProfiles(state)) {
    const bound = state.settings.some(
      (r) =>
        r.sip_profile_uuid === profile.sip_profile_uuid &&
        enabled(r) &&
        (r.sip_profile_setting_name === 'sip-ip' || r.sip_profile_setting_name === 'rtp-ip') &&
        (r.sip_profile_setting_value ?? '').startsWith('127.'),
    );
    if (bound) {
      warnings.push({
        code: 'profile-on-loopback',
        target: 'pbx',
        message: `SIP profile ${profile.sip_profile_name} is configured on a 127.x address: nothing outside the PBX can reach it.`,
      });
    }
  }
  return warnings;
}

export function runningWarnings(state: PbxState): Warning[] {
  if (!state.running) {
    return [
      {
        code: 'freeswitch-not-answering',
        target: 'pbx',
        message: 'FreeSWITCH did not report its SIP profiles; running values cannot be checked.',
      },
    ];
  }
  const warnings: Warning[] = [];
  for (const profile of state.running) {
    const bound = Object.entries(profile.info).filter(
      ([k, v]) => /^(sip-ip|rtp-ip|url|bind-url)$/.test(k) && v.includes('127.0.0.1'),
    );
    if (bound.length > 0) {
      warnings.push({
        code: 'profile-on-loopback',
        target: 'pbx',
        message: `SIP profile ${profile.name} is bound to 127.0.0.1: nothing outside the PBX can reach it. Check its sip-ip and the local_ip_v4 variable.`,
      });
    }
  }
  return warnings;
}
