/**
 * Read-back checks after an apply (or on demand): what the plan wanted is
 * what both boxes now have and run. Pure: from the plan and the states read
 * now to checks a technician can act on, each pointing at the plan entry
 * that would fix it.
 */
import { changeName } from '../../contract/change-names';
import type { CheckStatus, VerifyCheck } from '../../contract/types';
import { isCgnat, isPrivate } from '../lan/ipv4';
import { parseGatewayDetail } from '../pbx/parse/gateways';
import { droppedPorts } from '../pbx/parse/host-firewall';
import type { PbxState } from '../pbx/model/state';
import type { RouterChange } from '../routeros/change';
import { isOwned } from '../routeros/change';
import { MENUS, menuOf } from '../routeros/menus';
import { isDisabled, menuKeyOf, sameValue, type RosItem, type RouterState } from '../routeros/state';
import type { PortRange } from '../pbx/model/state';
import type { SitePlan } from './combine';

type Check = Omit<VerifyCheck, 'status'> & { status: CheckStatus };

/** The id of the first plan entry `match` picks: where a failed check points the technician. */
function changeIdOf(
  plan: SitePlan | undefined,
  match: (change: SitePlan['changes'][number]) => boolean,
): string | undefined {
  return plan?.changes.find(match)?.id;
}

function withChange(changeId: string | undefined): { changeId?: string } {
  return changeId === undefined ? {} : { changeId };
}

/** Is the change's wanted entry on the router now, enabled? */
function present(state: RouterState, change: RouterChange): boolean {
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

/** A hairpin forward the plan made for one SIP port, and whether the router holds it now. */
export interface HairpinRule {
  /** SIP OPTIONS go over UDP; a TLS or WSS handshake over TCP. */
  protocol: 'udp' | 'tcp';
  port: number;
  /** How verify names the rule ("Hairpin forward UDP 5060 for 192.168.88.0/24"). */
  rule: string;
  present: boolean;
  changeId: string;
}

/**
 * The plan's hairpin forwards for single ports (a SIP OPTIONS probe to the public address goes
 * through the UDP ones, a TLS/WSS handshake through the TCP ones), each with its read-back. The
 * hairpin probe asks only these ports: a
 * port the plan never forwarded (5060 on a site without remote phones) has no hairpin rule,
 * and its silence says nothing about the rules the Router group lists present.
 */
export function hairpinRules(plan: SitePlan, state: RouterState): HairpinRule[] {
  const speak = menuOf(MENUS.nat)?.verify;
  return (plan.router?.changes ?? []).flatMap((change) => {
    const a = change.after;
    const port = Number(a?.['dst-port']);
    if (change.path !== MENUS.nat || change.action !== 'add' || !a || a.action !== 'dst-nat') return [];
    const protocol = a.protocol;
    if (a['src-address-list'] !== undefined || (protocol !== 'udp' && protocol !== 'tcp') || !Number.isInteger(port))
      return [];
    const rule = speak?.describe(a) ?? 'Hairpin forward';
    return [{ protocol, port, rule, present: present(state, change), changeId: change.id }];
  });
}

/** A forwarded port range as the router sends it on to the PBX. */
export interface ForwardedPorts {
  protocol: 'udp' | 'tcp';
  range: PortRange;
  /** The plan entry that makes this forward. */
  changeId?: string;
}

function parseRange(text: string | null | undefined): PortRange | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec((text ?? '').trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  return start <= end && end <= 65535 ? { start, end } : undefined;
}

/**
 * The ports the router forwards to the PBX: the plan's dst-nat entries, and
 * the wizard's own dst-nat rules on the router now (a run that planned
 * nothing new still has them). Kept apart per protocol and range.
 */
export function forwardedPorts(plan: SitePlan | undefined, nat: readonly RosItem[]): ForwardedPorts[] {
  const out: ForwardedPorts[] = [];
  const add = (fields: Record<string, string | null | undefined>, changeId?: string) => {
    if (fields.action !== 'dst-nat') return;
    const protocol = fields.protocol === 'tcp' ? 'tcp' : fields.protocol === 'udp' ? 'udp' : undefined;
    const range = parseRange(fields['to-ports'] ?? fields['dst-port']);
    if (!protocol || !range) return;
    const same = out.find((f) => f.protocol === protocol && f.range.start === range.start && f.range.end === range.end);
    if (same) same.changeId ??= changeId;
    else out.push({ protocol, range, ...withChange(changeId) });
  };
  for (const change of plan?.router?.changes ?? []) {
    if (change.path === MENUS.nat && change.action !== 'remove' && change.after) add(change.after, change.id);
  }
  for (const item of nat) if (isOwned(item) && !isDisabled(item)) add(item);
  return out;
}

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
      ((c as { key?: string }).key !== undefined
        ? uuids.has((c as { key?: string }).key!)
        : c.after?.var_name === name),
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

/**
 * NAT ACL rows in `sofia status profile <name>` (text). Stock FreeSWITCH
 * (mod_sofia.c) prints no such row, and xmlstatus leaves ACLs out too; the
 * lab's fs_cli stand-in prints APPLY-NAT-ACL rows. Read them where present.
 */
export function natAclsOf(statusText: string): string[] {
  const acls: string[] = [];
  for (const line of statusText.split('\n')) {
    const m = /^\s*(?:APPLY-)?NAT-ACL\s+(\S+)\s*$/.exec(line);
    if (m) acls.push(m[1]!);
  }
  return effectiveNatAcls(acls);
}

/**
 * The apply-nat-acl params of one profile in the sofia.conf FreeSWITCH loads
 * (`xml_locate configuration configuration name sofia.conf`). A rescan
 * re-applies them in full, so on real FreeSWITCH this is the closest view
 * of the running NAT ACL there is.
 */
export function natAclsInConfig(xml: string, profile: string): string[] {
  const acls: string[] = [];
  for (const block of xml.matchAll(/<profile\s+name="([^"]*)"[^>]*>([\s\S]*?)<\/profile>/g)) {
    if (block[1] !== profile) continue;
    for (const param of block[2]!.matchAll(/<param\s+name="apply-nat-acl"\s+value="([^"]*)"\s*\/>/g)) {
      if (param[1]) acls.push(param[1]);
    }
  }
  return effectiveNatAcls(acls);
}

/**
 * The NAT ACL list FreeSWITCH ends up with from these values in the order it parses them:
 * `none` empties what came before it (sofia.c:5708-5712), so `nat.auto` then `none` is no ACL at all.
 */
export function effectiveNatAcls(values: readonly string[]): string[] {
  return values.reduce<string[]>((list, v) => (v.toLowerCase() === 'none' ? [] : [...list, v]), []);
}

export function natAclCheck(statusText: string | undefined, sofiaConf: string | undefined, plan?: SitePlan): Check {
  const running = statusText === undefined ? [] : natAclsOf(statusText);
  const loaded = sofiaConf === undefined ? [] : natAclsInConfig(sofiaConf, 'internal');
  const acls = running.length > 0 ? running : loaded;
  const known = statusText !== undefined || sofiaConf !== undefined;
  const ok = acls.length > 0;
  return {
    id: 'internal-nat-acl',
    title: 'internal profile NAT ACL',
    status: ok ? 'pass' : known ? 'fail' : 'warn',
    summary: ok
      ? `apply-nat-acl ${running.length > 0 ? 'active on the running profile' : 'in the sofia.conf the profile loads'}: ${acls.join(', ')}.`
      : known
        ? 'No NAT ACL on the internal profile: phones behind NAT are not recognised as such and get one-way or no audio.'
        : 'Could not read the internal profile from fs_cli.',
    ...(ok
      ? {}
      : {
          fix: 'Enable apply-nat-acl = nat.auto on the internal SIP profile (one row only), then rescan the profile.',
          ...withChange(
            changeIdOf(
              plan,
              (c) => c.path === 'v_sip_profile_settings' && c.after?.sip_profile_setting_name === 'apply-nat-acl',
            ),
          ),
        }),
  };
}

/** One extension the plan changed, as `user_data` reports it now. */
export interface MediaAnswer {
  /** `ext@domain` */
  user: string;
  changeId: string;
  wanted: 'proxy-media' | 'default';
  /** `user_data … var proxy_media` / `var bypass_media`; undefined when fs_cli did not answer. */
  proxyMedia?: string;
  bypassMedia?: string;
}

/** The extensions a plan moves to another media mode, with the domain FreeSWITCH knows them by. */
export function plannedMedia(plan: SitePlan, state: PbxState): Omit<MediaAnswer, 'proxyMedia' | 'bypassMedia'>[] {
  const domains = new Map(state.domains.map((d) => [d.domain_uuid, d.domain_name]));
  const out: Omit<MediaAnswer, 'proxyMedia' | 'bypassMedia'>[] = [];
  for (const change of plan.pbx?.changes ?? []) {
    if (change.path !== 'v_extensions' || change.action !== 'set' || !change.after) continue;
    const ext = state.extensions.find((e) => e.extension_uuid === change.key);
    const domain = ext ? (domains.get(ext.domain_uuid ?? '') ?? ext.user_context) : undefined;
    if (!ext?.extension || !domain) continue;
    // A disabled extension is not in FreeSWITCH's directory (directory.lua:287-292): its row is set
    // for the day it is enabled, but there is nothing running to ask about.
    if (ext.enabled !== undefined && ext.enabled !== 'true') continue;
    // Nor is any extension of a disabled domain (directory.lua:290 `d.domain_enabled = 'true'`).
    const domainRow = state.domains.find((d) => d.domain_uuid === ext.domain_uuid);
    const domainEnabled = domainRow?.['domain_enabled'];
    if (domainEnabled !== undefined && domainEnabled !== 'true') continue;
    out.push({
      user: `${ext.extension}@${domain}`,
      changeId: change.id,
      wanted: change.after.sip_bypass_media === 'proxy-media' ? 'proxy-media' : 'default',
    });
  }
  return out;
}

/** fs_cli splits its command on spaces: only plain user@domain words are asked about. */
export function askableUser(user: string): boolean {
  return /^[A-Za-z0-9_.+-]{1,64}@[A-Za-z0-9_.-]{1,253}$/.test(user);
}

export function mediaChecks(answers: MediaAnswer[]): Check[] {
  return answers.map((a) => {
    const read = a.proxyMedia !== undefined && a.bypassMedia !== undefined;
    const bypass = a.bypassMedia === 'true';
    const proxy = a.proxyMedia === 'true';
    const ok = read && !bypass && (a.wanted === 'proxy-media' ? proxy : !proxy);
    const now = !read ? 'unknown' : bypass ? 'Bypass Media' : proxy ? 'Proxy Media' : 'the default media handling';
    const want = a.wanted === 'proxy-media' ? 'Proxy Media' : 'the default media handling';
    return {
      id: `media-${a.user}`,
      title: `Extension ${a.user} media mode`,
      status: ok ? 'pass' : read ? 'fail' : 'warn',
      summary: ok
        ? `FreeSWITCH uses ${want} for ${a.user}.`
        : read
          ? `FreeSWITCH still uses ${now} for ${a.user}${bypass ? ': audio goes phone to phone and breaks behind NAT' : ''}.`
          : askableUser(a.user)
            ? `fs_cli did not answer user_data for ${a.user}.`
            : `Not asked: ${JSON.stringify(a.user)} has characters fs_cli cannot take in a command.`,
      ...(ok
        ? {}
        : {
            fix: `Set the extension's media to ${want} (Extensions › ${a.user.split('@')[0]} › Advanced), then clear the directory cache so FreeSWITCH rereads it.`,
            changeId: a.changeId,
          }),
    };
  });
}

/**
 * Each registering gateway's Contact against the public address. FreeSWITCH builds the
 * Contact once, from the profile's ext-sip-ip, when it loads the gateway (sofia.c:4133-4197)
 * and a rescan keeps a loaded gateway (sofia.c:3783-3789): a trunk can register with the LAN
 * address while the profile already shows the public one, and a provider that routes by
 * Contact then sends its calls nowhere. `details` maps gateway name → `sofia status gateway <name>`.
 * Gateways registering to a private address (a LAN registrar) are not judged.
 */
export function gatewayContactChecks(
  state: PbxState,
  details: ReadonlyMap<string, string | undefined>,
  publicIp: string,
  /** FS PBX's gateway names by uuid (pbx/read/gateway-names.ts): the title says "Lab Trunk", not the uuid. */
  names?: ReadonlyMap<string, string>,
): Check[] {
  const checks: Check[] = [];
  for (const profile of state.running ?? []) {
    for (const gateway of profile.gateways ?? []) {
      if (gateway.state === 'NOREG') continue;
      const text = details.get(gateway.name);
      const detail = text === undefined ? undefined : parseGatewayDetail(text);
      const base = {
        id: `gateway-contact-${gateway.name}`,
        title: `Trunk gateway ${names?.get(gateway.name.toLowerCase()) ?? gateway.name} Contact`,
      };
      if (!detail) {
        checks.push({
          ...base,
          status: 'warn',
          summary: 'FreeSWITCH did not say which Contact this gateway registers with.',
        });
        continue;
      }
      const proxyHost = detail.proxy.replace(/^sips?:/i, '').split(/[:;]/)[0] ?? '';
      if (isPrivate(proxyHost)) continue;
      const ok = detail.contactHost === publicIp.toLowerCase();
      checks.push({
        ...base,
        status: ok ? 'pass' : 'fail',
        summary: ok
          ? `Registers with Contact ${detail.contact}.`
          : `Registers with Contact ${detail.contact}, not the public address ${publicIp}: a provider that sends calls to the Contact cannot reach the PBX.`,
        ...(ok
          ? {}
          : {
              fix: `On the PBX run fs_cli -x "sofia profile ${profile.name} killgw ${gateway.name}" and then fs_cli -x "sofia profile ${profile.name} rescan": the gateway is loaded again with the profile's ext-sip-ip, and no call drops.`,
            }),
      });
    }
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
