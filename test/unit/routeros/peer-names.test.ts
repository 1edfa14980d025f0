/**
 * Trunks and phones given as DNS names, on plain router states: the plan writes the name into the
 * role's list (RouterOS resolves it and adds dynamic entries itself), plans nothing more once it is
 * there (the router's dynamic entries are not the wizard's), places accepts as for any source, warns
 * once per name about the PBX side, and a rollback removes the name's entry and leaves the router's
 * own dynamic ones to RouterOS.
 */
import { describe, expect, it } from 'vitest';
import { conntrackTargets, expandNamedSources, namedSources } from '../../../electron/routeros/conntrack';
import { routerScope } from '../../../electron/routeros/managed';
import { namedPeers, namedPeerWarnings, resolvedAddresses } from '../../../electron/routeros/peer-names';
import { planRouter } from '../../../electron/routeros/plan';
import { planRouterRestore } from '../../../electron/routeros/restore';
import type { RosItem, RouterState } from '../../../electron/routeros/state';
import { customRouter } from './fixtures/custom';
import { defconfRouter } from './fixtures/defconf';
import { adds, apply, baseInputs, plan } from './helpers';

const LISTS = '/ip/firewall/address-list';
const FILTER = '/ip/firewall/filter';
const NAMED = baseInputs({ trunks: [{ name: 'Carrier', address: 'SIP.Carrier.Example' }] });

/** What RouterOS adds by itself once the name resolves (jeff-nasseri/mikrotik-mcp PR 149). */
function resolved(state: RouterState, addresses: string[], list = 'fspbx-trunks'): RouterState {
  const dynamic: RosItem[] = addresses.map((address, i) => ({
    '.id': `*D${i}`,
    list,
    address,
    comment: 'sip.carrier.example',
    dynamic: 'true',
    disabled: 'false',
  }));
  return { ...state, addressLists: [...dynamic, ...state.addressLists] };
}

describe('a trunk given as a name, on the router', () => {
  const state = defconfRouter();
  const p = plan(state, NAMED);

  it('puts the name, in lower case, in the trunks list, and says the router keeps it current', () => {
    const entries = adds(p, LISTS).map((c) => c.after);
    expect(entries).toContainEqual(expect.objectContaining({ list: 'fspbx-trunks', address: 'sip.carrier.example' }));
    const reason = adds(p, LISTS).find((c) => c.after?.address === 'sip.carrier.example')?.reason;
    expect(reason).toContain('the router looks the name up and keeps its addresses in the list as they change');
  });

  it('warns once per name: what the router does, and why the PBX is not changed for it', () => {
    const warnings = p.warnings.filter((w) => w.code === 'peer-by-name');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toBe(
      `Trunk "Carrier" is given as sip.carrier.example: the router looks the name up with its own DNS (IP › DNS) and keeps fspbx-trunks current as the addresses change. The PBX is not changed for it: its access lists hold addresses only, so if FS PBX lets this provider's calls in by address (Access Controls, providers), that list keeps today's addresses and must be edited when they change (verify shows the addresses the router found).`,
    );
    expect(plan(state, baseInputs()).warnings.filter((w) => w.code === 'peer-by-name')).toEqual([]);
  });

  it('plans nothing more once the name is there, with or without the addresses RouterOS added for it', () => {
    const applied = apply(state, p.changes);
    expect(plan(applied, NAMED).changes).toEqual([]);
    expect(plan(resolved(applied, ['198.51.100.10', '198.51.100.11']), NAMED).changes).toEqual([]);
  });

  it('places the accept before a drop as for any address: a name may resolve anywhere', () => {
    const custom = customRouter();
    const inputs = { ...NAMED, pbxAddress: '10.20.0.10' };
    const byAddress = plan(custom, { ...inputs, trunks: [{ name: 'Carrier', address: '198.51.100.10' }] });
    const byName = plan(custom, inputs);
    const accepts = (x: typeof p) =>
      adds(x, FILTER)
        .map((c) => `${c.after?.['dst-port']} ${c.placeBefore}`)
        .sort();
    expect(accepts(byName)).toEqual(accepts(byAddress));
    expect(accepts(byName).length).toBeGreaterThan(0);
  });

  it('is refused at the planner with the contract sentence when the name is not one', () => {
    const refused = planRouter(state, baseInputs({ trunks: [{ name: 'Carrier', address: 'sip:carrier.example' }] }));
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.errors.map((e) => [e.field, e.message])).toEqual([
      [
        'trunks.0.address',
        'Give the host name alone, without "sip:", a port, a user or a path (such as sip.example.com).',
      ],
    ]);
  });

  it("rolls back the name's entry and leaves RouterOS's dynamic entries to RouterOS", () => {
    const applied = resolved(apply(state, p.changes), ['198.51.100.10']);
    const restore = planRouterRestore(state, applied, routerScope(NAMED));
    const removed = restore.changes
      .filter((c) => c.path === LISTS && c.action === 'remove')
      .map((c) => c.before?.address);
    expect(removed).toContain('sip.carrier.example');
    expect(removed).not.toContain('198.51.100.10');
  });
});

describe('the names and what the router resolved them to', () => {
  it('lists each name once per role, lower-cased, and no address or range', () => {
    const inputs = {
      trunks: [
        { name: 'A', address: ' sip.carrier.example ' },
        { name: 'B', address: 'SIP.carrier.example' },
        { name: 'C', address: '198.51.100.0/24' },
        { name: 'D', address: 'backup.carrier.example' },
      ],
      phones: [
        { name: 'Home', address: 'home.dyn.example' },
        { name: 'Carrier phone', address: 'sip.carrier.example' },
      ],
    };
    expect(namedPeers(inputs).map((n) => `${n.role} ${n.name} ${n.host} ${n.list}`)).toEqual([
      'trunks A sip.carrier.example fspbx-trunks',
      'trunks D backup.carrier.example fspbx-trunks',
      'phones Home home.dyn.example fspbx-phones',
      'phones Carrier phone sip.carrier.example fspbx-phones',
    ]);
    expect(namedPeerWarnings(inputs)[0]).toMatchObject({ code: 'peer-by-name', target: 'router' });
    expect(namedPeerWarnings(inputs).map((w) => w.message.slice(0, 40))).toEqual([
      'Trunk "A" is given as sip.carrier.exampl',
      'Trunk "D" is given as backup.carrier.exa',
      'Phone "Home" is given as home.dyn.exampl',
      'Phone "Carrier phone" is given as sip.ca',
    ]);
  });

  it("takes the dynamic, enabled entries of the name's list whose comment is the name, in any case", () => {
    const items: RosItem[] = [
      { '.id': '*1', list: 'fspbx-trunks', address: 'sip.carrier.example', comment: 'fspbx-nat: trunk Carrier' },
      { '.id': '*2', list: 'fspbx-trunks', address: '198.51.100.10', comment: 'SIP.Carrier.Example', dynamic: 'true' },
      { '.id': '*3', list: 'fspbx-trunks', address: '198.51.100.11', comment: 'sip.carrier.example', dynamic: 'yes' },
      { '.id': '*4', list: 'fspbx-trunks', address: '198.51.100.12', comment: 'sip.carrier.example' },
      { '.id': '*5', list: 'fspbx-phones', address: '198.51.100.13', comment: 'sip.carrier.example', dynamic: 'true' },
      { '.id': '*6', list: 'fspbx-trunks', address: '198.51.100.14', comment: 'other.example', dynamic: 'true' },
      { '.id': '*8', list: 'fspbx-trunks', comment: 'sip.carrier.example', dynamic: 'true' },
      { '.id': '*9', list: 'fspbx-trunks', address: '198.51.100.16', dynamic: 'true' },
      {
        '.id': '*7',
        list: 'fspbx-trunks',
        address: '198.51.100.15',
        comment: 'sip.carrier.example',
        dynamic: 'true',
        disabled: 'true',
      },
    ];
    expect(resolvedAddresses({ addressLists: items }, 'fspbx-trunks', 'sip.carrier.example')).toEqual([
      '198.51.100.10',
      '198.51.100.11',
    ]);
    expect(resolvedAddresses({ addressLists: items }, 'fspbx-trunks', 'nothing.example')).toEqual([]);
  });
});

describe('connection tracking for a named peer', () => {
  const state = defconfRouter();
  const p = plan(state, NAMED);

  it("names the name among the forwards' sources, and stands it for the addresses the router resolved", () => {
    const targets = conntrackTargets(state, p.changes);
    const sip = targets.find((t) => t.protocol === 'udp' && t.ports === '5080');
    expect(sip?.sources).toEqual(['sip.carrier.example']);
    expect(namedSources(targets)).toEqual(['sip.carrier.example']);
    const items: RosItem[] = [
      { '.id': '*1', list: 'fspbx-trunks', address: 'sip.carrier.example', comment: 'fspbx-nat: trunk Carrier' },
      { '.id': '*2', list: 'fspbx-trunks', address: '198.51.100.10', comment: 'sip.carrier.example', dynamic: 'true' },
      { '.id': '*3', list: 'fspbx-trunks', address: '198.51.100.11', comment: 'SIP.carrier.example', dynamic: 'yes' },
      { '.id': '*4', list: 'other', address: '203.0.113.9', comment: 'sip.carrier.example' },
    ];
    const expanded = expandNamedSources(targets, items).find((t) => t.protocol === 'udp' && t.ports === '5080');
    expect(expanded?.sources).toEqual(['198.51.100.10', '198.51.100.11']);
    // Not resolved yet: the name stands for nothing, and the phone's address stays.
    const phones = expandNamedSources(targets, []).find((t) => t.ports === '5060' && t.protocol === 'udp');
    expect(phones?.sources).toEqual(['192.0.2.20']);
    expect(expandNamedSources(targets, []).find((t) => t.ports === '5080' && t.protocol === 'udp')?.sources).toEqual(
      [],
    );
  });
});
