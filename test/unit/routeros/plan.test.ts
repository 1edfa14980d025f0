import { describe, expect, it } from 'vitest';
import { isOwned } from '../../../electron/routeros/change';
import { planRouter } from '../../../electron/routeros/plan';
import type { RosItem, RouterState } from '../../../electron/routeros/state';
import { customRouter, HOSTILE_COMMENT } from './fixtures/custom';
import { defconfRouter } from './fixtures/defconf';
import { adds, apply, baseInputs, plan } from './helpers';

const NAT = '/ip/firewall/nat';
const FILTER = '/ip/firewall/filter';
const LISTS = '/ip/firewall/address-list';

function itemsById(state: RouterState): Map<string, RosItem> {
  const map = new Map<string, RosItem>();
  for (const key of ['filter', 'nat', 'addressLists', 'servicePorts'] as const) {
    for (const item of state[key]) map.set(`${key}/${item['.id']}`, item);
  }
  return map;
}

describe('planRouter on a defconf router', () => {
  const state = defconfRouter();
  const p = plan(state, baseInputs());

  it('puts each peer in its role list', () => {
    const lists = adds(p, LISTS).map((c) => [c.after?.list, c.after?.address]);
    expect(lists).toEqual([
      ['fspbx-trunks', '198.51.100.10'],
      ['fspbx-phones', '192.0.2.20'],
    ]);
  });

  it('forwards SIP 5060 from phones and 5080 from trunks over UDP and TCP, and the PBX RTP range, matched on WAN', () => {
    const forwards = adds(p, NAT).map((c) => c.after!);
    const summary = forwards.map((f) => `${f['src-address-list']} ${f.protocol} ${f['dst-port']}`).sort();
    expect(summary).toEqual(
      [
        'fspbx-phones tcp 5060',
        'fspbx-phones udp 16384-32768',
        'fspbx-phones udp 5060',
        'fspbx-trunks tcp 5080',
        'fspbx-trunks udp 16384-32768',
        'fspbx-trunks udp 5080',
      ].sort(),
    );
    for (const f of forwards) {
      expect(f).toMatchObject({ chain: 'dstnat', action: 'dst-nat', 'in-interface-list': 'WAN' });
      expect(f['to-addresses']).toBe('192.168.88.10');
      expect(f['to-ports']).toBe(f['dst-port']);
      expect(f['dst-address']).toBeUndefined();
      expect(f.comment?.startsWith('fspbx-nat: ')).toBe(true);
    }
  });

  it('adds no accept rule: defconf only drops WAN traffic that was not dst-NATed', () => {
    expect(adds(p, FILTER)).toEqual([]);
    expect(p.facts['router.config']).toContain('defconf');
  });

  it('turns the SIP helper off first, with a reason', () => {
    const first = p.changes[0]!;
    expect(first).toMatchObject({ path: '/ip/firewall/service-port', action: 'set', itemId: '*4' });
    expect(first.after).toEqual({ disabled: 'true' });
    expect(first.reason).toMatch(/SIP helper/);
  });

  it('tags every added item and touches no item it does not own except the SIP helper', () => {
    const before = itemsById(state);
    for (const change of p.changes) {
      if (change.action === 'add') expect(change.after?.comment).toMatch(/^fspbx-nat: /);
      else if (change.path !== '/ip/firewall/service-port') {
        const key = change.path === NAT ? 'nat' : change.path === FILTER ? 'filter' : 'addressLists';
        expect(isOwned(before.get(`${key}/${change.itemId}`)!)).toBe(true);
      }
    }
  });

  it('plans nothing the second time', () => {
    const after = apply(state, p.changes);
    expect(plan(after, baseInputs()).changes).toEqual([]);
  });

  it('gives every change a distinct id', () => {
    expect(new Set(p.changes.map((c) => c.id)).size).toBe(p.changes.length);
  });
});

describe('planRouter on a router that is not defconf', () => {
  const inputs = baseInputs({ pbxAddress: '10.20.0.10' });
  const state = customRouter();
  const p = plan(state, inputs);

  it('matches forwards on the WAN address since there is no WAN list', () => {
    for (const f of adds(p, NAT)) {
      expect(f.after?.['dst-address']).toBe('198.51.100.2');
      expect(f.after?.['in-interface-list']).toBeUndefined();
    }
    expect(p.facts['router.config']).toBe('custom firewall');
  });

  it('adds an accept for each forward just before the rule that drops everything else', () => {
    const accepts = adds(p, FILTER);
    expect(accepts).toHaveLength(adds(p, NAT).length);
    for (const a of accepts) {
      expect(a.placeBefore).toBe('*13');
      expect(a.after).toMatchObject({
        chain: 'forward',
        action: 'accept',
        'connection-nat-state': 'dstnat',
        'dst-address': '10.20.0.10',
      });
    }
    const after = apply(state, p.changes);
    const order = after.filter.map((i) => i.comment);
    expect(order.indexOf('drop everything else')).toBe(order.length - 1);
  });

  it('leaves an already disabled SIP helper alone', () => {
    expect(p.changes.some((c) => c.path === '/ip/firewall/service-port')).toBe(false);
  });

  it('never touches the technician’s hostile-comment entries and plans nothing the second time', () => {
    const after = apply(state, p.changes);
    for (const key of ['filter', 'nat', 'addressLists'] as const) {
      const theirs = state[key].filter((i) => i.comment === HOSTILE_COMMENT);
      expect(after[key].filter((i) => i.comment === HOSTILE_COMMENT)).toEqual(theirs);
    }
    expect(plan(after, inputs).changes).toEqual([]);
  });

  it('moves its accept back in front of a drop rule inserted above it later', () => {
    const after = apply(state, p.changes);
    const drop: RosItem = { '.id': '*90', chain: 'forward', action: 'drop', 'src-address': '192.0.2.0/24' };
    after.filter.unshift(drop);
    const again = plan(after, inputs);
    const phoneAccepts = again.changes.filter((c) => c.path === FILTER);
    expect(phoneAccepts.filter((c) => c.action === 'add').every((c) => c.placeBefore === '*90')).toBe(true);
    expect(phoneAccepts.filter((c) => c.action === 'remove')).toHaveLength(3);
    expect(plan(apply(after, again.changes), inputs).changes).toEqual([]);
  });

  it('counts a drop rule it cannot fully judge as blocking', () => {
    const s = customRouter();
    s.filter.splice(2, 0, { '.id': '*50', chain: 'forward', action: 'drop', 'layer7-protocol': 'weird' });
    expect(adds(plan(s, inputs), FILTER).every((a) => a.placeBefore === '*50')).toBe(true);
  });

  it('warns when an earlier NAT rule may take the SIP traffic', () => {
    const s = customRouter();
    s.nat.push({
      '.id': '*22',
      chain: 'dstnat',
      action: 'dst-nat',
      protocol: 'udp',
      'dst-port': '5060',
      'to-addresses': '10.20.0.99',
    });
    const warnings = plan(s, inputs).warnings.filter((w) => w.code === 'nat-shadowed');
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]!.message).toContain('*22');
  });
});

describe('planRouter follows changes of the inputs', () => {
  const state = apply(defconfRouter(), plan(defconfRouter(), baseInputs()).changes);

  it('removes the list entry and forwards of a role that is gone', () => {
    const p = plan(state, baseInputs({ trunks: [] }));
    expect(p.changes.every((c) => c.action === 'remove')).toBe(true);
    expect(p.changes.filter((c) => c.path === LISTS).map((c) => c.before?.address)).toEqual(['198.51.100.10']);
    expect(p.changes.filter((c) => c.path === NAT)).toHaveLength(3);
  });

  it('edits the RTP forwards in place when the PBX range changes', () => {
    const p = plan(state, baseInputs({ pbxRtp: { start: 10000, end: 20000 } }));
    const sets = p.changes.filter((c) => c.action === 'set');
    expect(sets).toHaveLength(2);
    for (const s of sets) expect(s.after).toEqual({ 'dst-port': '10000-20000', 'to-ports': '10000-20000' });
    expect(p.changes).toHaveLength(2);
  });

  it('renames the comment of a peer whose name changed, keeping the entry', () => {
    const p = plan(state, baseInputs({ trunks: [{ name: `Carrier "B" ' \\ $(x)`, address: '198.51.100.10' }] }));
    expect(p.changes).toHaveLength(1);
    expect(p.changes[0]).toMatchObject({ action: 'set', after: { comment: `fspbx-nat: trunk Carrier "B" ' \\ $(x)` } });
  });

  it('re-enables a wizard rule someone disabled and removes duplicates of its own entries', () => {
    const s = structuredClone(state);
    const rule = s.nat.find((i) => isOwned(i))!;
    s.nat[s.nat.indexOf(rule)] = { ...rule, disabled: 'true' };
    s.nat.push({ ...rule, '.id': '*7F' });
    const p = plan(s, baseInputs());
    expect(p.changes.map((c) => [c.action, c.itemId, c.after])).toEqual([
      ['set', rule['.id'], { disabled: 'false' }],
      ['remove', '*7F', null],
    ]);
  });

  it('normalises addresses as RouterOS stores them', () => {
    const p = plan(defconfRouter(), baseInputs({ trunks: [{ name: 'Block', address: '198.51.100.77/24' }] }));
    expect(adds(p, LISTS)[0]!.after?.address).toBe('198.51.100.0/24');
    const p32 = plan(defconfRouter(), baseInputs({ trunks: [{ name: 'Host', address: '198.51.100.77/32' }] }));
    expect(adds(p32, LISTS)[0]!.after?.address).toBe('198.51.100.77');
  });

  it('does not add an address someone else already put in the list', () => {
    const s = defconfRouter();
    s.addressLists.push({ '.id': '*40', list: 'fspbx-trunks', address: '198.51.100.10', comment: 'by hand' });
    const p = plan(s, baseInputs());
    expect(adds(p, LISTS).map((c) => c.after?.list)).toEqual(['fspbx-phones']);
    expect(p.changes.some((c) => c.itemId === '*40')).toBe(false);
  });
});

describe('planRouter options', () => {
  it('forwards the web GUI on request, from the phones list only', () => {
    const p = plan(defconfRouter(), baseInputs({ webGui: true }));
    const web = adds(p, NAT).filter((c) => c.after?.protocol === 'tcp' && ['443', '80'].includes(c.after['dst-port']!));
    expect(web.map((c) => [c.after?.['dst-port'], c.after?.['src-address-list']])).toEqual([
      ['443', 'fspbx-phones'],
      ['80', 'fspbx-phones'],
    ]);
  });

  it("hairpin: LAN sources reach the PBX through the WAN address only, never through the router's own LAN address", () => {
    // A fixed WAN address (a dynamic one is matched otherwise: wan-dynamic.test.ts).
    const fixed = () => {
      const state = defconfRouter();
      state.addresses = state.addresses.map((a) => (a.interface === 'ether1' ? { ...a, dynamic: 'false' } : a));
      return state;
    };
    const p = plan(fixed(), baseInputs({ hairpin: true, webGui: true }));
    const nat = adds(p, NAT).map((c) => c.after!);
    // No rule may match any local address: that takes the router's own LAN address (its web page on 443) too.
    expect(nat.filter((f) => f['dst-address-type'] !== undefined)).toEqual([]);
    const peers = nat.filter((f) => f.chain === 'dstnat' && f['src-address-list'] !== undefined);
    expect(peers.every((f) => f['in-interface-list'] === 'WAN')).toBe(true);
    const hairpin = nat.filter((f) => f.chain === 'dstnat' && f['src-address-list'] === undefined);
    expect(hairpin.map((f) => `${f.protocol} ${f['dst-port']}`).sort()).toEqual(
      ['tcp 443', 'tcp 5060', 'tcp 5080', 'tcp 80', 'udp 16384-32768', 'udp 5060', 'udp 5080'].sort(),
    );
    for (const f of hairpin) {
      expect(f).toMatchObject({
        'src-address': '192.168.88.0/24',
        'dst-address': '203.0.113.2',
        'to-addresses': '192.168.88.10',
      });
    }
    expect(nat.filter((f) => f.chain === 'srcnat')).toEqual([
      {
        chain: 'srcnat',
        action: 'masquerade',
        'src-address': '192.168.88.0/24',
        'dst-address': '192.168.88.10',
        comment: 'fspbx-nat: hairpin masquerade',
      },
    ]);
    expect(plan(apply(fixed(), p.changes), baseInputs({ hairpin: true, webGui: true })).changes).toEqual([]);
  });

  it('warns of double NAT when the WAN address is private or CGNAT', () => {
    for (const [wan, word] of [
      ['192.168.1.50/24', 'private'],
      ['100.64.3.4/10', 'CGNAT'],
    ] as const) {
      const s = defconfRouter();
      s.addresses[1] = { ...s.addresses[1]!, address: wan };
      const warning = plan(s, baseInputs()).warnings.find((w) => w.code === 'double-nat');
      expect(warning?.message).toContain(word);
    }
    expect(plan(defconfRouter(), baseInputs()).warnings.some((w) => w.code === 'double-nat')).toBe(false);
  });

  it('warns when the cloud sees another public address than the WAN interface has', () => {
    const s = { ...defconfRouter(), cloudPublicAddress: '198.51.100.200' };
    expect(plan(s, baseInputs()).warnings.map((w) => w.code)).toContain('double-nat');
  });
});

describe('planRouter validation', () => {
  function errorsOf(inputs: ReturnType<typeof baseInputs>, state = defconfRouter()) {
    const result = planRouter(state, inputs);
    return result.ok ? [] : result.errors;
  }

  it('refuses bad addresses, naming the field', () => {
    const errors = errorsOf(baseInputs({ trunks: [{ name: 'x', address: '198.51.100.300' }], pbxAddress: 'pbx' }));
    expect(errors.map((e) => e.field).sort()).toEqual(['pbx.address', 'trunks.0.address']);
    expect(errors.every((e) => e.code === 'invalid_input' && e.message.length > 10)).toBe(true);
  });

  it('refuses 0.0.0.0/0 unless the risk is accepted', () => {
    const open = baseInputs({ phones: [{ name: 'anyone', address: '0.0.0.0/0' }] });
    expect(errorsOf(open).map((e) => e.field)).toEqual(['phones.0.address']);
    expect(errorsOf({ ...open, allowAnySource: true })).toEqual([]);
  });

  it('refuses two halves that together are the whole Internet, as it refuses /0', () => {
    const halves = baseInputs({
      trunks: [{ name: 'low half', address: '0.0.0.0/1' }],
      phones: [{ name: 'high half', address: '128.0.0.0/1' }],
    });
    expect(errorsOf(halves)).toEqual([
      expect.objectContaining({
        field: 'trunks.0.address',
        message: expect.stringMatching(/large part of the Internet/),
      }),
    ]);
    expect(errorsOf({ ...halves, allowAnySource: true })).toEqual([]);
  });

  it('refuses reversed and overlapping port ranges', () => {
    expect(errorsOf(baseInputs({ pbxRtp: { start: 32768, end: 16384 } }))[0]?.message).toMatch(/reversed/);
    expect(errorsOf(baseInputs({ pbxRtp: { start: 5000, end: 6000 } })).map((e) => e.message)).toEqual([
      expect.stringMatching(/overlaps the SIP port for phones 5060/),
      expect.stringMatching(/overlaps the SIP port for trunks 5080/),
    ]);
    expect(errorsOf(baseInputs({ sipPorts: { internal: 5060, external: 5060 } }))[0]?.field).toBe('sipPorts');
    expect(errorsOf(baseInputs({ webGui: true, pbxRtp: { start: 1, end: 100 } }))[0]?.message).toMatch(
      /web GUI port 80/,
    );
  });

  it('refuses an RTP range that differs from the PBX’s', () => {
    const errors = errorsOf(baseInputs({ rtp: { start: 10000, end: 20000 } }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ field: 'rtp' });
    expect(errors[0]!.message).toContain('16384-32768');
  });

  it('refuses a PBX outside the LAN, or at the router’s own address', () => {
    expect(errorsOf(baseInputs({ pbxAddress: '10.0.0.5' }))[0]?.message).toMatch(/not on any LAN.*192\.168\.88\.1\/24/);
    expect(errorsOf(baseInputs({ pbxAddress: '203.0.113.9' }))[0]?.field).toBe('pbx.address');
    expect(errorsOf(baseInputs({ pbxAddress: '192.168.88.1' }))[0]?.message).toMatch(/router's own address/);
  });

  it('asks for the WAN address when it cannot tell WAN from LAN', () => {
    const s = customRouter();
    s.addresses.push({ '.id': '*3', address: '198.18.0.2/30', interface: 'ether2', disabled: 'false' });
    const inputs = baseInputs({ pbxAddress: '10.20.0.10' });
    expect(errorsOf(inputs, s).map((e) => e.field)).toEqual(['options.publicIp']);
    const p = plan(s, { ...inputs, wanAddress: '198.51.100.2' });
    expect(adds(p, NAT)[0]!.after?.['dst-address']).toBe('198.51.100.2');
  });
});

describe('planRouter with a jump chain', () => {
  /** A firewall that sends new WAN traffic to its own chain and drops it there. */
  function jumpRouter(): RouterState {
    const state = defconfRouter();
    state.filter = [
      ...state.filter.filter((r) => r['.id'] !== '*B'),
      {
        '.id': '*20',
        chain: 'forward',
        action: 'jump',
        'jump-target': 'wan-in',
        'in-interface-list': 'WAN',
        comment: 'to wan-in',
        disabled: 'false',
      },
      { '.id': '*21', chain: 'wan-in', action: 'drop', comment: 'wan-in: drop the rest', disabled: 'false' },
    ];
    return state;
  }

  it('places the accept in the chain that jumps, before the jump, and a second plan is empty', () => {
    const state = jumpRouter();
    const p = plan(state, baseInputs());
    const accepts = adds(p, FILTER);
    expect(accepts.length).toBeGreaterThan(0);
    for (const accept of accepts) {
      expect(accept.after?.chain).toBe('forward');
      expect(accept.placeBefore).toBe('*20');
    }
    expect(accepts[0]!.reason).toMatch(/wan-in: drop the rest.*jump \*20/);
    const after = apply(state, p.changes);
    const jumpAt = after.filter.findIndex((r) => r['.id'] === '*20');
    for (const rule of after.filter.filter(isOwned)) expect(after.filter.indexOf(rule)).toBeLessThan(jumpAt);
    expect(plan(after, baseInputs()).changes).toEqual([]);
  });

  it('moves an accept left after the jump (where it never matches) in front of it', () => {
    const state = jumpRouter();
    const p = plan(state, baseInputs());
    // As an earlier wizard placed them: before the drop inside wan-in, i.e. after the jump.
    const wrong = apply(
      state,
      p.changes.map((c) => (c.placeBefore === '*20' ? { ...c, placeBefore: '*21' } : c)),
    );
    const again = plan(wrong, baseInputs());
    expect(
      again.changes.filter((c) => c.path === FILTER && c.action === 'add').every((c) => c.placeBefore === '*20'),
    ).toBe(true);
    expect(again.changes.filter((c) => c.path === FILTER && c.action === 'remove').length).toBe(accepts(p));
    expect(plan(apply(wrong, again.changes), baseInputs()).changes).toEqual([]);
  });
});

function accepts(p: { changes: readonly { path: string; action: string }[] }): number {
  return p.changes.filter((c) => c.path === FILTER && c.action === 'add').length;
}
