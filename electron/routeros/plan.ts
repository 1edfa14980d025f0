/**
 * The router planner: state + inputs → the Changes that make the router
 * forward SIP and RTP to the PBX from the listed peers only. Pure; running it
 * again on the resulting state plans nothing.
 */
import type { AppError } from '../../contract/errors';
import type { Plan, Warning } from '../../contract/types';
import { isCgnat, isPrivate } from '../lan/ipv4';
import { addressSpan, formatPorts, type Span } from './addr';
import { isOwned, numberChanges, type RouterChange } from './change';
import { conntrackTargets, describeTargets } from './conntrack';
import {
  acceptEntry,
  desiredListEntries,
  forwardsFor,
  hairpinEntry,
  hairpinForwards,
  hairpinMatch,
  natEntry,
  peerSpans,
  wanMatch,
  type Forward,
} from './desired';
import { plannedOutsideManaged, routerScope } from './managed';
import { namedPeerWarnings } from './peer-names';
import { evaluateForward, firstNatCatch, type MatchContext, type Packet } from './firewall';
import { ADDRESS_LISTS, type RouterPlanInputs } from './inputs';
import { reconcileAddressLists, reconcileByComment, type KeyedDesired, type PlannedChange } from './reconcile';
import { revertPreview } from './revert';
import { isDisabled, isDynamic, menuPath, type RosItem, type RouterState } from './state';
import { lanOf, readTopology, type RouterAddress, type Topology } from './topology';
import { validateRouterInputs } from './validate';

export interface RouterPlan extends Plan {
  changes: RouterChange[];
}

export type RouterPlanResult = { ok: true; plan: RouterPlan } | { ok: false; errors: AppError[] };

const ANY: Span = { lo: 0, hi: 0xffffffff };

function matchContext(state: RouterState, topology: Topology, inputs: RouterPlanInputs): MatchContext {
  const lists = new Map<string, Span[]>();
  for (const item of state.addressLists) {
    if (isDisabled(item) || isOwned(item) || item.list === undefined || item.address === undefined) continue;
    const span = addressSpan(item.address);
    if (span) lists.set(item.list, [...(lists.get(item.list) ?? []), span]);
  }
  // The wizard's own lists are judged as they will be after the plan.
  for (const role of ['trunks', 'phones'] as const) {
    lists.set(ADDRESS_LISTS[role], [...(lists.get(ADDRESS_LISTS[role]) ?? []), ...peerSpans(inputs, role)]);
  }
  const hotspotInterfaces = new Set(
    (state.hotspots ?? []).filter((h) => !isDisabled(h) && h.interface !== undefined).map((h) => h.interface!),
  );
  return { listMembers: topology.listMembers, addressLists: lists, hotspotInterfaces };
}

function forwardedPackets(
  forward: Forward,
  inputs: RouterPlanInputs,
  topology: Topology,
  lan: RouterAddress,
): Packet[] {
  const pbx = addressSpan(inputs.pbxAddress)!;
  const packets: Packet[] = [];
  for (const source of peerSpans(inputs, forward.role)) {
    for (const inInterface of topology.wanInterfaces) {
      packets.push({
        protocol: forward.protocol,
        dstPorts: { lo: forward.ports.start, hi: forward.ports.end },
        source,
        dstAddress: pbx,
        dstLocal: false,
        inInterface,
        outInterface: lan.interface,
        connectionState: 'new',
        dstNatted: true,
      });
    }
  }
  return packets;
}

/** A rule the router made itself that drops (or may drop) some of a forward's traffic. */
export interface DynamicBlock {
  by: RosItem;
  at: RosItem;
  certain: boolean;
}

/**
 * The first place in the forward chain where some of this forward's traffic
 * is dropped by a non-wizard rule: `by` the dropping rule, `at` the forward
 * rule the accept must precede (the drop itself, or the jump leading to it).
 * `at` is never a dynamic rule: RouterOS refuses `place-before` a dynamic rule
 * ("RouterOS rejects [destination=0] when dynamic rules occupy the top of the table",
 * https://github.com/nasnet-community/nasnet-panel/pull/509). A dynamic rule that surely
 * drops the traffic is reported in `dynamic` (no accept can help); one that only may is
 * reported too and then looked past, to find the static rule an accept can precede.
 */
function blockerOf(
  packets: Packet[],
  filter: readonly RosItem[],
  ctx: MatchContext,
): { anchor?: { by: RosItem; at: RosItem }; dynamic: DynamicBlock[] } {
  let first: { by: RosItem; at: RosItem; index: number } | undefined;
  const dynamic: DynamicBlock[] = [];
  for (const packet of packets) {
    let rules = filter;
    // Each pass sets aside one dynamic rule: bounded by their number.
    for (let pass = 0; pass <= filter.length; pass++) {
      const verdict = evaluateForward(rules, packet, ctx);
      if (verdict.kind !== 'blocked') break;
      if (isDynamic(verdict.at)) {
        if (!dynamic.some((d) => d.at === verdict.at && d.by === verdict.by && d.certain === verdict.certain))
          dynamic.push({ by: verdict.by, at: verdict.at, certain: verdict.certain });
        if (verdict.certain) break;
        rules = rules.filter((r) => r !== verdict.at);
        continue;
      }
      const index = filter.indexOf(verdict.at);
      if (!first || index < first.index) first = { by: verdict.by, at: verdict.at, index };
      break;
    }
  }
  return first ? { anchor: { by: first.by, at: first.at }, dynamic } : { dynamic };
}

/**
 * Who makes a dynamic filter rule, as far as its fields tell. `item` is the rule of the forward
 * chain a forward meets (blockerOf's `at`): a HotSpot's jumps carry its matcher or lead to its
 * hs- chains.
 */
function dynamicMaker(item: RosItem): string {
  const hotspot = item.hotspot !== undefined || item['jump-target']?.startsWith('hs-') === true;
  if (hotspot) return "the router's HotSpot";
  if (item.comment?.toLowerCase().startsWith('upnp')) return 'UPnP';
  return 'the router itself';
}

function dynamicWarnings(blocks: readonly { forward: Forward; block: DynamicBlock }[]): Warning[] {
  const warnings: Warning[] = [];
  const seen = new Set<string>();
  for (const { forward, block } of blocks) {
    const key = `${block.at['.id']}/${block.by['.id']}/${block.certain}/${forward.key}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const where =
      block.at === block.by ? describe(block.by) : `${describe(block.by)}, reached by the jump ${describe(block.at)}`;
    warnings.push(
      block.certain
        ? {
            code: 'dynamic-rule-blocks',
            target: 'router',
            message: `The dynamic rule ${where}, made by ${dynamicMaker(block.at)}, drops ${forward.what}. RouterOS places nothing above a dynamic rule, so no accept rule can help: change the setting that makes it, then plan again.`,
          }
        : {
            code: 'dynamic-rule-may-block',
            target: 'router',
            message: `The dynamic rule ${where}, made by ${dynamicMaker(block.at)}, may drop ${forward.what}. RouterOS places nothing above a dynamic rule: if verify finds this traffic blocked, change the setting that makes it.`,
          },
    );
  }
  return warnings;
}

function describe(item: RosItem): string {
  return item.comment ? `${item['.id']} "${item.comment}"` : item['.id'];
}

function wanWarnings(state: RouterState, topology: Topology): Warning[] {
  const warnings: Warning[] = [];
  for (const wan of topology.wanAddresses) {
    if (isPrivate(wan.address) || isCgnat(wan.address)) {
      warnings.push({
        code: 'double-nat',
        target: 'router',
        message: `The router's WAN address ${wan.address} is ${isCgnat(wan.address) ? 'a carrier-grade NAT (CGNAT)' : 'a private'} address: another NAT sits in front of it, so forwards on this router alone will not reach the PBX from the Internet.`,
      });
    }
  }
  if (
    state.cloudPublicAddress !== undefined &&
    topology.wanAddresses.length > 0 &&
    !topology.wanAddresses.some((a) => a.address === state.cloudPublicAddress)
  ) {
    warnings.push({
      code: 'double-nat',
      target: 'router',
      message: `The Internet sees this router as ${state.cloudPublicAddress}, which is not on its WAN interface: the traffic crosses another NAT first.`,
    });
  }
  const wanList = topology.listMembers.get('WAN');
  const offList = topology.defaultRouteInterfaces.slice(1).filter((name) => topology.hasWanList && !wanList?.has(name));
  if (offList.length > 0) {
    warnings.push({
      code: 'default-route-outside-wan-list',
      target: 'router',
      message: `The router also has a default route through ${offList.join(', ')}, outside its WAN interface list: calls arriving there are not forwarded. Add ${offList.length > 1 ? 'them' : 'it'} to the WAN list if the provider's traffic can come in that way.`,
    });
  }
  if (topology.defaultRouteInterfaces.length > 1) {
    warnings.push({
      code: 'several-wan-routes',
      target: 'router',
      message: `The router has default routes through ${topology.defaultRouteInterfaces.join(', ')}: replies from the PBX leave through ${topology.defaultRouteInterfaces[0]} whatever way a call came in, so calls arriving on another link get no answer unless the router marks connections and routes their replies back (asymmetric routing).`,
    });
  }
  if (!topology.hasWanList && topology.wanAddresses.length > 1) {
    warnings.push({
      code: 'several-wan-addresses',
      target: 'router',
      message: `Forwards match only ${topology.wan?.address ?? '?'} of the WAN addresses ${topology.wanAddresses.map((a) => a.address).join(', ')}.`,
    });
  }
  return warnings;
}

/**
 * A WAN address the provider gives (DHCP, PPPoE) changes after the visit: the forwards follow it
 * (wanMatch), but the PBX announces the address it was given today (external_sip_ip /
 * external_rtp_ip) until someone changes it: calls then have one-way audio. Remote phones and a
 * provider that send to the address itself lose the PBX too; the router's IP Cloud name follows the
 * address within a minute of a change (it checks every minute, the record's TTL is 60 s:
 * wiki.mikrotik.com Manual:IP/Cloud, "Operation details"), so the advice names it, or how to get one.
 */
function dynamicWanWarnings(topology: Topology, state: RouterState): Warning[] {
  const wan = topology.wan;
  if (!wan?.dynamic) return [];
  const name = state.cloudDnsName
    ? `Give remote phones and the provider the router's IP Cloud name ${state.cloudDnsName} rather than the address: it follows the address within about a minute.`
    : `Remote phones and the provider can use a name that follows the address: the router's IP Cloud name (/ip cloud set ddns-enabled=yes, then /ip cloud print shows dns-name).`;
  return [
    {
      code: 'wan-address-dynamic',
      target: 'router',
      message: `The router's public address ${wan.address} is dynamic (given to ${wan.interface} by the provider): the forwards follow it, but the PBX announces ${wan.address} to phones and trunks. When the provider changes it, calls have one-way audio until the PBX's external address is set again (run the wizard again, or ask the provider for a fixed address). ${name}`,
    },
  ];
}

function natShadowWarnings(
  forwards: Forward[],
  state: RouterState,
  topology: Topology,
  inputs: RouterPlanInputs,
  ctx: MatchContext,
): Warning[] {
  const foreign = state.nat.filter((item) => !isOwned(item));
  const wan = topology.wan;
  const warnings: Warning[] = [];
  const reported = new Set<string>();
  for (const forward of forwards) {
    for (const source of peerSpans(inputs, forward.role)) {
      for (const inInterface of topology.wanInterfaces) {
        const catcher = firstNatCatch(
          foreign,
          {
            protocol: forward.protocol,
            dstPorts: { lo: forward.ports.start, hi: forward.ports.end },
            source,
            dstAddress: wan ? addressSpan(wan.address)! : ANY,
            dstLocal: true,
            inInterface,
            connectionState: 'new',
            dstNatted: false,
          },
          ctx,
        );
        const key = `${catcher?.['.id']}/${forward.key}`;
        if (!catcher || reported.has(key) || catcher.action === 'masquerade') continue;
        reported.add(key);
        warnings.push({
          code: 'nat-shadowed',
          target: 'router',
          message: `The existing NAT rule ${describe(catcher)} comes first and may take ${forward.what}; check it before applying.`,
        });
      }
    }
  }
  return warnings;
}

export function planRouter(state: RouterState, inputs: RouterPlanInputs): RouterPlanResult {
  const topology = readTopology(state, inputs.pbxAddress, inputs.wanAddress);
  const errors = validateRouterInputs(inputs, topology);
  const lan = errors.length === 0 ? lanOf(topology, inputs.pbxAddress) : undefined;
  if (errors.length > 0 || !lan) return { ok: false, errors };

  const warnings: Warning[] = wanWarnings(state, topology);
  const ctx = matchContext(state, topology, inputs);
  const match = wanMatch(inputs, topology);
  const forwards = forwardsFor(inputs);

  const natDesired: KeyedDesired[] = forwards.map((f) => ({ entry: natEntry(f, inputs, match) }));
  const wanAddress = topology.wan;
  const hairpin = inputs.hairpin && wanAddress ? hairpinMatch(wanAddress, lan, topology) : undefined;
  if (hairpin && wanAddress) {
    for (const entry of hairpinForwards(forwards, inputs, lan, wanAddress, hairpin.fields)) natDesired.push({ entry });
    natDesired.push({ entry: hairpinEntry(inputs, lan) });
    if (!hairpin.exact)
      warnings.push({
        code: 'hairpin-other-router-addresses',
        target: 'router',
        message: `The public address is dynamic, so hairpin matches the router's own addresses but its LAN one: LAN devices that reach the router's other addresses (${topology.lanAddresses
          .filter((a) => a.address !== lan.address)
          .map((a) => a.address)
          .join(', ')}) on the forwarded ports reach the PBX instead.`,
      });
    if (!wanAddress.dynamic && topology.wanAddresses.length > 1)
      warnings.push({
        code: 'hairpin-one-wan-address',
        target: 'router',
        message: `Hairpin NAT covers the public address ${wanAddress.address} only: LAN devices dialling ${topology.wanAddresses
          .filter((a) => a !== wanAddress)
          .map((a) => a.address)
          .join(', ')} are not hairpinned.`,
      });
  }
  warnings.push(...dynamicWanWarnings(topology, state));

  const foreignFilter = state.filter.filter((item) => !isOwned(item));
  const filterDesired: KeyedDesired[] = [];
  const dynamicBlocks: { forward: Forward; block: DynamicBlock }[] = [];
  for (const forward of forwards) {
    const found = blockerOf(forwardedPackets(forward, inputs, topology, lan), foreignFilter, ctx);
    for (const block of found.dynamic) dynamicBlocks.push({ forward, block });
    const blocker = found.anchor;
    if (blocker) {
      const where =
        blocker.at === blocker.by
          ? describe(blocker.by)
          : `${describe(blocker.by)}, reached by the jump ${describe(blocker.at)}`;
      filterDesired.push({ entry: acceptEntry(forward, inputs, where), placeBefore: blocker.at['.id'] });
    }
  }

  const lists = reconcileAddressLists(state.addressLists, desiredListEntries(inputs));
  const nat = reconcileByComment('nat', state.nat, natDesired);
  const filter = reconcileByComment('filter', state.filter, filterDesired);

  const helper: PlannedChange[] = [];
  const sipHelper = state.servicePorts.find((item) => item.name === 'sip');
  if (sipHelper && !isDisabled(sipHelper)) {
    helper.push({
      target: 'router',
      path: menuPath('servicePorts'),
      action: 'set',
      itemId: sipHelper['.id'],
      before: { disabled: sipHelper.disabled ?? null },
      after: { disabled: 'true' },
      reason:
        'Turns off the SIP helper (SIP ALG): it rewrites SIP messages and causes one-way audio and lost registrations.',
    });
  } else if (!sipHelper) {
    warnings.push({
      code: 'no-sip-helper',
      target: 'router',
      message: 'The router has no SIP helper entry to turn off.',
    });
  }

  if (forwards.length === 0) {
    warnings.push({
      code: 'no-peers',
      target: 'router',
      message: 'No trunk providers or remote phones were given: nothing will be forwarded to the PBX.',
    });
  }
  warnings.push(...namedPeerWarnings(inputs));
  warnings.push(...dynamicWarnings(dynamicBlocks));
  warnings.push(...natShadowWarnings(forwards, state, topology, inputs, ctx));
  if (inputs.hairpin && !wanAddress) {
    warnings.push({
      code: 'hairpin-no-wan-address',
      target: 'router',
      message:
        'Hairpin NAT needs the public address on the router: it has none on its WAN, so LAN phones must use the PBX address directly.',
    });
  }

  const ordered: PlannedChange[] = [
    ...helper,
    ...lists.adds,
    ...lists.sets,
    ...filter.adds,
    ...filter.sets,
    ...nat.adds,
    ...nat.sets,
    ...nat.removes,
    ...filter.removes,
    ...lists.removes,
  ];
  const wan = topology.wan;
  const facts: Record<string, string> = {
    'router.identity': state.identity,
    'router.version': state.version,
    'router.config': topology.looksDefconf ? 'RouterOS default firewall (defconf)' : 'custom firewall',
    'router.wanMatch': Object.entries(match)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    'router.lan': lan.cidr,
    'pbx.address': inputs.pbxAddress,
    'pbx.rtp': formatPorts(inputs.rtp ?? inputs.pbxRtp),
  };
  if (wan) facts['router.wanAddress'] = wan.address;
  if (wan?.dynamic) facts['router.wanAddressDynamic'] = `given to ${wan.interface} by the provider: it may change`;
  if (hairpin)
    facts['router.hairpinMatch'] = `${Object.entries(hairpin.fields)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}: ${hairpin.reason}`;
  if (state.cloudPublicAddress) facts['router.publicAddress'] = state.cloudPublicAddress;
  if (state.cloudDnsName) facts['router.cloudDnsName'] = state.cloudDnsName;
  // The planner stays inside what the wizard manages (managed.ts), which is all a rollback restores.
  const scope = routerScope(inputs);
  const outside = ordered.map((c) => plannedOutsideManaged(c, state, scope)).find((why) => why !== undefined);
  if (outside !== undefined) {
    return {
      ok: false,
      errors: [{ code: 'internal', message: 'The router plan left what the wizard manages.', detail: outside }],
    };
  }
  const changes = numberChanges(ordered, 'router');
  const conntrack = conntrackTargets(state, changes);
  // Shown before the apply: the connections these forwards decide are started afresh.
  if (conntrack.length > 0)
    facts['router.conntrack'] = `cleared after apply and rollback: ${describeTargets(conntrack)}`;
  // The router's own undo, sized before anything is sent (revert.ts, revert-chunks.ts).
  const revert = revertPreview(state, changes);
  if (revert && 'fact' in revert) facts['router.revert'] = revert.fact;
  if (revert && 'warning' in revert) warnings.push(revert.warning);
  return { ok: true, plan: { changes, warnings, facts } };
}
