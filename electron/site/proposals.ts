/**
 * Step 4 pre-filled from the PBX: its gateways (resolved on the PBX) become proposed trunks,
 * its registrations from outside the LAN become proposed remote phones. Pure: reading → proposal.
 *
 * Address selection for a gateway host follows RFC 3263 (SIP: Locating SIP Servers):
 * an IP address is used as is (§4.2); a name with an explicit port gets A records only (§4.2);
 * otherwise NAPTR records whose service matches the gateway's transport (§4.1; services as
 * FreeSWITCH names them, sofia_reg.c:2439-2458: SIP+D2U udp, SIP+D2T tcp, SIPS+D2T tls) lead
 * to SRV records (RFC 2782), else the SRV owner _sip._udp / _sip._tcp / _sips._tcp of the name
 * (§4.2), and only without SRV records the name's own A records (§4.2).
 */
import type {
  AddressRecord,
  PeersProposal,
  ProposedPhone,
  ProposedTrunk,
  TrunkSource,
  Warning,
} from '../../contract/types';
import { isIPv4, rangeOf } from '../../contract/ipv4';
import { contains, isCgnat, isLinkLocal, isPrivate } from '../lan/ipv4';
import { planGateway, type GatewayPlan, type SignallingTarget, type SipTransport } from '../pbx/parse/gateways';
import type { DnsAnswer, DnsReading, DnsRecord, PeersReading } from '../pbx/read/peers';
import { printable } from '../pbx/parse/registrations';

export interface SiteKnowledge {
  /** The customer LAN (CIDR). */
  lan?: string;
  /** Source addresses / ranges already allowed. */
  allowed?: readonly string[];
}

/** Below this TTL (seconds) a carrier's A records are expected to move (failover, load balancing). */
export const SHORT_TTL_SECONDS = 300;

const SERVICE: Record<SipTransport, string> = { udp: 'SIP+D2U', tcp: 'SIP+D2T', tls: 'SIPS+D2T' };
const SRV_OWNER: Record<SipTransport, string> = { udp: '_sip._udp.', tcp: '_sip._tcp.', tls: '_sips._tcp.' };

interface Found {
  address: string;
  record: AddressRecord;
  lookup: string;
}

interface Resolution {
  found: Found[];
  /** Some name on the way answered differently when asked twice, or with a short TTL. */
  changing: string[];
  /** Why nothing was found, when nothing was. */
  problem?: string;
}

const recordsOf = (dns: DnsReading, label: string, name: string): DnsRecord[] =>
  dns.answers.filter((a: DnsAnswer) => a.label === label && a.name === name).flatMap((a) => a.records);

const wasAsked = (dns: DnsReading, label: string, name: string): boolean =>
  dns.answers.some((a) => a.label === label && a.name === name);

function aRecords(dns: DnsReading, name: string, changing: Set<string>): string[] {
  const first = recordsOf(dns, 'A', name).flatMap((r) => (r.type === 'A' ? [r] : []));
  const again = recordsOf(dns, 'A2', name).flatMap((r) => (r.type === 'A' ? [r.address] : []));
  const addresses = [...new Set(first.map((r) => r.address))];
  if (again.length > 0 && (again.some((a) => !addresses.includes(a)) || addresses.some((a) => !again.includes(a)))) {
    changing.add(`${name} answered differently when asked twice`);
  }
  const ttl = Math.min(...first.map((r) => r.ttl ?? Infinity));
  if (ttl < SHORT_TTL_SECONDS) changing.add(`${name} has A records that live only ${ttl} s`);
  return addresses;
}

/** SRV owner → its targets' A records (sorted by priority, RFC 2782). */
function viaSrv(dns: DnsReading, owner: string, changing: Set<string>, prefix: string, record: AddressRecord): Found[] {
  const srvs = recordsOf(dns, 'SRV', owner)
    .flatMap((r) => (r.type === 'SRV' && r.target !== '' ? [r] : []))
    .sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  const found: Found[] = [];
  for (const srv of srvs) {
    const target = isIPv4(srv.target) ? [srv.target] : aRecords(dns, srv.target, changing);
    for (const address of target) {
      found.push({ address, record, lookup: `${prefix}SRV ${owner} → ${srv.target}:${srv.port} → A ${address}` });
    }
  }
  return found;
}

export function resolveTarget(target: SignallingTarget, dns: DnsReading): Resolution {
  const changing = new Set<string>();
  const done = (found: Found[], problem?: string): Resolution => ({
    found,
    changing: [...changing],
    ...(found.length === 0 && problem ? { problem } : {}),
  });
  if (target.isIp) return done([{ address: target.host, record: 'IP', lookup: `${target.host} (an IP address)` }]);
  if (!target.valid)
    return done([], `"${printable(target.configured, 80)}" is not a host name, so it was not resolved`);
  if (!wasAsked(dns, 'A', target.host)) {
    return done(
      [],
      `${target.host} was not resolved on the PBX (${dns.truncated ? 'the lookups ran out of time' : 'no resolver'})`,
    );
  }
  const aOnly = (): Found[] =>
    aRecords(dns, target.host, changing).map((address) => ({
      address,
      record: 'A' as const,
      lookup: `A ${target.host} → ${address}`,
    }));
  if (target.port !== null) return done(aOnly(), `${target.host} has no A record on the PBX's resolver`);
  const naptrs = recordsOf(dns, 'NAPTR', target.host)
    .flatMap((r) => (r.type === 'NAPTR' && r.flags === 's' && r.service === SERVICE[target.transport] ? [r] : []))
    .sort((a, b) => a.order - b.order || a.preference - b.preference);
  for (const naptr of naptrs) {
    const found = viaSrv(dns, naptr.replacement, changing, `NAPTR ${target.host} ${naptr.service} → `, 'NAPTR');
    if (found.length > 0) return done(found);
  }
  const srv = viaSrv(dns, `${SRV_OWNER[target.transport]}${target.host}`, changing, '', 'SRV');
  if (srv.length > 0) return done(srv);
  return done(aOnly(), `${target.host} has no NAPTR, SRV or A record on the PBX's resolver`);
}

function isLocal(address: string, lan: string | undefined): boolean {
  return lan !== undefined && contains(lan, address);
}

/**
 * Is the address let in by what step 4 allows? A range holds it; a host name holds it when the name's
 * A records, as the PBX's resolver answered them, include it: the router resolves the name the same
 * way (its address list keeps one dynamic entry per A record, routeros/peer-names.ts).
 */
function covered(address: string, allowed: readonly string[], dns: DnsReading): boolean {
  const named = allowed.filter((entry) => rangeOf(entry) === undefined).map((name) => name.toLowerCase());
  const byName = named.some((name) => recordsOf(dns, 'A', name).some((r) => r.type === 'A' && r.address === address));
  return (
    byName ||
    allowed.some((range) => {
      const r = rangeOf(range);
      const a = rangeOf(address);
      return r !== undefined && a !== undefined && a[0] >= r[0] && a[1] <= r[1];
    })
  );
}

/** A label step 4 accepts (schemas.ts label: printable, 1-64 characters), unique among `taken`. */
function labelFor(text: string, fallback: string, taken: Set<string>): string {
  const base = (printable(text, 56) || fallback).slice(0, 56);
  let name = base;
  for (let i = 2; taken.has(name); i += 1) name = `${base} (${i})`;
  taken.add(name);
  return name;
}

function resolverNote(dns: DnsReading): PeersProposal['resolver'] {
  switch (dns.resolver) {
    case 'dig':
      return { tool: 'dig', records: ['NAPTR', 'SRV', 'A'], note: 'Names were resolved on the PBX with dig.' };
    case 'host':
      return { tool: 'host', records: ['NAPTR', 'SRV', 'A'], note: 'Names were resolved on the PBX with host.' };
    case 'getent':
      return {
        tool: 'getent',
        records: ['A'],
        note: 'The PBX has neither dig nor host: names were resolved with getent, A records only (no SRV or NAPTR).',
      };
    default:
      return { tool: 'none', records: [], note: 'Names could not be resolved on the PBX (no resolver tool).' };
  }
}

function proposeTrunks(reading: PeersReading, site: SiteKnowledge, out: PeersProposal): void {
  const plans: GatewayPlan[] = reading.gateways.map((row) => planGateway(row, reading.switchname, reading.tlsProfiles));
  const byAddress = new Map<string, ProposedTrunk>();
  const names = new Set<string>();
  for (const plan of plans) {
    const label = printable(plan.name, 64) || plan.id;
    if (!plan.loaded) {
      out.notProposed.push({ what: `Gateway "${label}"`, why: `FreeSWITCH does not load it: ${plan.whyNot}.` });
      continue;
    }
    const running = reading.running?.find((r) => r.name === plan.id);
    const state = running ? running.state : null;
    if (reading.running !== null && !running) {
      out.warnings.push({
        code: 'gateway-not-running',
        target: 'pbx',
        message: `Gateway "${label}" is enabled in FS PBX but FreeSWITCH does not run it now (profile ${plan.profile} stopped, or it was skipped). Its addresses are proposed unticked.`,
      });
    }
    const seenHere = new Set<string>();
    for (const target of plan.targets) {
      const resolution = resolveTarget(target, reading.dns);
      if (resolution.problem) {
        out.notProposed.push({ what: `Gateway "${label}" ${target.role}`, why: `${resolution.problem}.` });
        out.warnings.push({
          code: 'trunk-unresolved',
          target: 'pbx',
          message: `Gateway "${label}": ${resolution.problem}. Enter the carrier's signalling addresses by hand.`,
        });
        continue;
      }
      const distinct = [...new Set(resolution.found.map((f) => f.address))];
      if (distinct.length > 1) {
        out.warnings.push({
          code: 'trunk-many-addresses',
          target: 'pbx',
          message: `Gateway "${label}": ${target.host} resolves to ${distinct.length} addresses (${distinct.join(', ')}). The carrier may use others too: prefer its published signalling range.`,
        });
      }
      // The router looks a name up by its A records only: offer the name when FreeSWITCH uses those too.
      const byName = resolution.found.length > 0 && resolution.found.every((f) => f.record === 'A');
      if (resolution.changing.length > 0) {
        out.warnings.push({
          code: 'trunk-changing-addresses',
          target: 'pbx',
          message: `Gateway "${label}": ${resolution.changing.join('; ')}. Its addresses can change: ask the carrier for its published signalling range and allow that instead${byName ? `, or give the trunk as ${target.host} (the router keeps a name's addresses current)` : ''}.`,
        });
      }
      for (const found of resolution.found) {
        if (isLocal(found.address, site.lan)) {
          out.notProposed.push({
            what: `${found.address} (gateway "${label}")`,
            why: 'It is inside the LAN: it reaches the PBX without a port forward.',
          });
          continue;
        }
        const source: TrunkSource = {
          gateway: label,
          gatewayId: plan.id,
          role: target.role,
          configured: printable(target.configured, 200),
          transport: target.transport,
          record: found.record,
          lookup: found.lookup,
          state,
        };
        if (state === 'REGED' && site.allowed !== undefined && !covered(found.address, site.allowed, reading.dns)) {
          const key = `${plan.id}:${found.address}`;
          if (!seenHere.has(key)) {
            seenHere.add(key);
            out.warnings.push({
              code: 'trunk-outside-allowed',
              target: 'pbx',
              message: `Gateway "${label}" is registered with ${found.address}, which is not in the allowed list: once the forwards are restricted, calls from it will be refused. Tick it or add the carrier's range.`,
            });
          }
        }
        const existing = byAddress.get(found.address);
        if (existing) {
          if (!existing.sources.some((s) => s.gatewayId === source.gatewayId && s.role === source.role)) {
            existing.sources.push(source);
          }
          if (state !== null || reading.running === null) existing.selected = true;
          continue;
        }
        const selected = state !== null || reading.running === null;
        byAddress.set(found.address, {
          id: `trunk:${found.address}`,
          name: labelFor(plan.name, plan.id, names),
          address: found.address,
          selected,
          sources: [source],
          why: selected
            ? `FreeSWITCH sends gateway "${label}"'s SIP here (${target.role}; ${found.lookup}).`
            : `Gateway "${label}" points here, but FreeSWITCH does not run it now: tick it if it should work.`,
        });
      }
    }
  }
  out.trunks = [...byAddress.values()];
  // A trunk several gateways point at is explained by one FreeSWITCH runs, when there is one.
  for (const trunk of out.trunks) {
    const live = trunk.sources.find((s) => s.state !== null);
    if (trunk.selected && live) {
      trunk.why = `FreeSWITCH sends gateway "${live.gateway}"'s SIP here (${live.role}; ${live.lookup}).`;
    }
  }
}

function proposePhones(reading: PeersReading, site: SiteKnowledge, out: PeersProposal): void {
  const byAddress = new Map<string, ProposedPhone>();
  const names = new Set<string>();
  for (const reg of reading.registrations ?? []) {
    const address = reg.networkIp;
    if (!isIPv4(address)) {
      out.notProposed.push({ what: `Registration ${reg.user}`, why: `It came from ${address}, not an IPv4 address.` });
      continue;
    }
    if (isLocal(address, site.lan) || address.startsWith('127.')) continue;
    if (isPrivate(address) || isCgnat(address) || isLinkLocal(address)) {
      out.notProposed.push({
        what: `Registration ${reg.user} from ${address}`,
        why: 'A private address outside the LAN reaches the PBX through a VPN or another router, not through a port forward.',
      });
      continue;
    }
    const source = { user: reg.user, agent: reg.agent, port: reg.networkPort };
    const existing = byAddress.get(address);
    if (existing) {
      existing.sources.push(source);
      continue;
    }
    byAddress.set(address, {
      id: `phone:${address}`,
      name: '',
      address,
      selected: false,
      sources: [source],
      why: `Registered to the PBX from ${address}, outside the LAN. Not allowed until you tick it: check it is one of the customer's phones.`,
    });
  }
  for (const phone of byAddress.values()) {
    const users = phone.sources.map((s) => s.user.split('@')[0]).join(', ');
    phone.name = labelFor(`Phone ${users}`, `Phone ${phone.address}`, names);
  }
  out.phones = [...byAddress.values()];
}

export function proposePeers(reading: PeersReading, site: SiteKnowledge = {}): PeersProposal {
  const out: PeersProposal = {
    trunks: [],
    phones: [],
    warnings: [],
    notProposed: [],
    resolver: resolverNote(reading.dns),
    read: {
      gateways: reading.gateways.length,
      runningGateways: reading.running === null ? null : reading.running.length,
      registrations: reading.registrations === null ? null : reading.registrations.length,
    },
  };
  proposeTrunks(reading, site, out);
  proposePhones(reading, site, out);
  const extra: Warning[] = [];
  if (reading.dns.resolver === 'getent') {
    extra.push({ code: 'dns-a-only', target: 'pbx', message: out.resolver.note });
  }
  if (reading.dns.truncated) {
    extra.push({
      code: 'dns-slow',
      target: 'pbx',
      message: "The PBX's DNS was too slow to answer every name in time: some gateways were not resolved.",
    });
  }
  if (reading.running === null) {
    extra.push({
      code: 'freeswitch-silent',
      target: 'pbx',
      message: 'FreeSWITCH did not answer fs_cli: gateway states and registrations are unknown.',
    });
  }
  if (reading.running !== null && reading.registrations === null) {
    extra.push({
      code: 'registrations-unknown',
      target: 'pbx',
      message:
        'The internal profile did not list its registrations (is it running?): no remote phones could be proposed.',
    });
  }
  out.warnings.unshift(...extra);
  return out;
}
