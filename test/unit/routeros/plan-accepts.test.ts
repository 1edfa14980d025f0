/**
 * Where the router planner puts its accept rules (plan.ts): before the first rule of the forward
 * chain that drops some of a forward's traffic, judged for every peer and WAN interface, with
 * address lists as they stand (disabled and wizard-owned entries aside) and the wizard's own lists
 * as they will be; and what it says about dynamic rules it cannot place anything above. A filter
 * rule's order decides: "rules are processed top to bottom, the first match decides"
 * (https://manual.mikrotik.com/docs/firewall-and-quality-of-service/firewall/filter.md), and
 * RouterOS refuses to place a rule above a dynamic one (the reference's routeros.md, "Dynamic
 * rules ... nothing can be placed or moved above them").
 */
import { describe, expect, it } from 'vitest';
import type { RosItem, RouterState } from '../../../electron/routeros/state';
import { customRouter } from './fixtures/custom';
import { defconfRouter } from './fixtures/defconf';
import { hotspotRouter } from './fixtures/hotspot';
import { adds, apply, baseInputs, plan } from './helpers';

const FILTER = '/ip/firewall/filter';
const inputs = baseInputs({ pbxAddress: '10.20.0.10' });

/** customRouter's forward chain with `rules` put in front of its final "drop everything else" (*13). */
function withRules(...rules: RosItem[]): RouterState {
  const s = customRouter();
  const last = s.filter.findIndex((r) => r['.id'] === '*13');
  s.filter.splice(last, 0, ...rules);
  return s;
}

const drop = (id: string, fields: Record<string, string>): RosItem => ({
  '.id': id,
  chain: 'forward',
  action: 'drop',
  ...fields,
});

/** Where each accept goes, by the forward it lets through. */
function placements(state: RouterState, i = inputs): Record<string, string | undefined> {
  return Object.fromEntries(adds(plan(state, i), FILTER).map((a) => [a.after?.comment ?? '', a.placeBefore]));
}

describe('accepts before the first drop', () => {
  it("goes before the earliest drop any of the forward's peers meets, whichever peer is judged first", () => {
    const twoTrunks = {
      ...inputs,
      trunks: [
        { name: 'Carrier A', address: '198.51.100.10' },
        { name: 'Carrier B', address: '198.51.100.20' },
      ],
    };
    // Carrier A is judged first and meets *31; Carrier B meets *30, which comes earlier.
    const s = withRules(
      drop('*30', { 'src-address': '198.51.100.20' }),
      drop('*31', { 'src-address': '198.51.100.10' }),
    );
    const trunkAccepts = adds(plan(s, twoTrunks), FILTER).filter(
      (a) => a.after?.['src-address-list'] === 'fspbx-trunks',
    );
    expect(trunkAccepts.length).toBeGreaterThan(0);
    for (const a of trunkAccepts) expect(a.placeBefore).toBe('*30');
    // And the other way round: the peer judged first meets the earlier drop.
    const reversed = withRules(
      drop('*30', { 'src-address': '198.51.100.10' }),
      drop('*31', { 'src-address': '198.51.100.20' }),
    );
    const again = adds(plan(reversed, twoTrunks), FILTER).filter(
      (a) => a.after?.['src-address-list'] === 'fspbx-trunks',
    );
    expect(again.length).toBeGreaterThan(0);
    for (const a of again) expect(a.placeBefore).toBe('*30');
    // The phones meet neither: their accepts go before the final drop.
    const phoneAccepts = adds(plan(s, twoTrunks), FILTER).filter(
      (a) => a.after?.['src-address-list'] === 'fspbx-phones',
    );
    for (const a of phoneAccepts) expect(a.placeBefore).toBe('*13');
  });

  it('says in the reason which rule drops the traffic, and the jump that leads there', () => {
    const s = customRouter();
    s.filter.splice(3, 0, {
      '.id': '*40',
      chain: 'forward',
      action: 'jump',
      'jump-target': 'wan-in',
      comment: 'to wan-in',
    });
    s.filter.push({ '.id': '*41', chain: 'wan-in', action: 'drop', comment: 'wan-in drop' });
    const accepts = adds(plan(s, inputs), FILTER);
    expect(accepts.length).toBeGreaterThan(0);
    for (const a of accepts) {
      expect(a.placeBefore).toBe('*40');
      expect(a.reason).toContain('*41 "wan-in drop", reached by the jump *40 "to wan-in"');
    }
  });

  it('names a drop without a comment by its id, and no jump when none led there', () => {
    const s = withRules(drop('*30', { protocol: 'udp' }));
    const udp = adds(plan(s, inputs), FILTER).filter((a) => a.after?.protocol === 'udp');
    expect(udp.length).toBeGreaterThan(0);
    for (const a of udp) {
      expect(a.placeBefore).toBe('*30');
      expect(a.reason).toMatch(/\*30(?! ")/);
      expect(a.reason).not.toContain('reached by the jump');
    }
  });

  it('when two trunks meet two drops behind the same jump, names the drop the first trunk meets', () => {
    const s = customRouter();
    s.filter.splice(3, 0, { '.id': '*40', chain: 'forward', action: 'jump', 'jump-target': 'wan-in' });
    s.filter.push(
      { '.id': '*41', chain: 'wan-in', action: 'drop', 'src-address': '198.51.100.10' },
      { '.id': '*42', chain: 'wan-in', action: 'drop', 'src-address': '198.51.100.20' },
    );
    const twoTrunks = {
      ...inputs,
      trunks: [
        { name: 'Carrier A', address: '198.51.100.10' },
        { name: 'Carrier B', address: '198.51.100.20' },
      ],
    };
    const trunk = adds(plan(s, twoTrunks), FILTER).filter((a) => a.after?.['src-address-list'] === 'fspbx-trunks');
    expect(trunk.length).toBeGreaterThan(0);
    for (const a of trunk) {
      expect(a.placeBefore).toBe('*40');
      expect(a.reason).toContain('*41, reached by the jump *40');
    }
  });

  it("looks at the forwarded packet as it leaves for the PBX: a drop of traffic to the router's own addresses is no concern", () => {
    const s = withRules(drop('*30', { 'dst-address-type': 'local' }));
    for (const [comment, at] of Object.entries(placements(s))) expect(at, comment).toBe('*13');
  });

  it('adds none when nothing in the forward chain drops the traffic', () => {
    const s = customRouter();
    s.filter = s.filter.filter((r) => r.action !== 'drop');
    expect(adds(plan(s, inputs), FILTER)).toEqual([]);
  });
});

describe('address lists the drops name', () => {
  /** Drops what does not come from the technician's list `trusted`. */
  const guard = drop('*30', { 'src-address-list': '!trusted' });
  const entry = (fields: Record<string, string>): RosItem => ({
    '.id': '*60',
    list: 'trusted',
    address: '198.51.100.10',
    disabled: 'false',
    ...fields,
  });

  it('reads the list: a trunk in it passes the drop, so its accepts anchor further down', () => {
    const s = withRules(guard);
    s.addressLists.push(entry({}));
    const p = placements(s);
    const trunk = Object.entries(p).filter(([comment]) => comment.includes('trunks'));
    expect(trunk.length).toBeGreaterThan(0);
    for (const [, at] of trunk) expect(at).toBe('*13');
  });

  it('takes a list entry the way the router does: a prefix holds the trunk too', () => {
    const s = withRules(guard);
    s.addressLists.push(entry({ address: '198.51.100.0/24' }));
    for (const [comment, at] of Object.entries(placements(s))) if (comment.includes('trunks')) expect(at).toBe('*13');
  });

  it('leaves out disabled entries, entries of the wizard, and entries it cannot read', () => {
    const cases: Record<string, string>[] = [
      { disabled: 'true' },
      { comment: 'fspbx-nat: trunk Carrier' },
      { address: 'sip.example.net' },
    ];
    for (const fields of cases) {
      const s = withRules(guard);
      s.addressLists.push(entry(fields));
      const trunk = Object.entries(placements(s)).filter(([comment]) => comment.includes('trunks'));
      expect(trunk.length, JSON.stringify(fields)).toBeGreaterThan(0);
      for (const [, at] of trunk) expect(at, JSON.stringify(fields)).toBe('*30');
    }
  });

  it("judges the wizard's own lists as the plan leaves them: the peers it adds are in them", () => {
    const s = withRules(drop('*30', { 'src-address-list': '!fspbx-trunks', 'in-interface': 'ether1-isp' }));
    const p = placements(s);
    for (const [comment, at] of Object.entries(p)) {
      if (comment.includes('trunks')) expect(at, comment).toBe('*13');
      if (comment.includes('phones')) expect(at, comment).toBe('*30');
    }
  });

  it('a list holding other addresses does not match the trunk', () => {
    const s = withRules(drop('*30', { 'src-address-list': 'trusted' }));
    s.addressLists.push(entry({ address: '192.0.2.99' }));
    for (const [comment, at] of Object.entries(placements(s))) expect(at, comment).toBe('*13');
  });

  it('leaves out an entry printed without its list or its address', () => {
    const s = withRules(guard);
    s.addressLists.push({ '.id': '*62', address: '198.51.100.10', disabled: 'false' });
    s.addressLists.push({ '.id': '*63', list: 'trusted', disabled: 'false' });
    for (const [comment, at] of Object.entries(placements(s))) expect(at, comment).toBe('*30');
  });

  it("a drop naming the wizard's trunks list does not concern the phones", () => {
    const s = withRules(drop('*30', { 'src-address-list': 'fspbx-trunks' }));
    for (const [comment, at] of Object.entries(placements(s))) {
      if (comment.includes('phones')) expect(at, comment).toBe('*13');
      if (comment.includes('trunks')) expect(at, comment).toBe('*30');
    }
  });

  it('keeps the entries of a list spread over several rows', () => {
    const s = withRules(guard);
    s.addressLists.push(entry({ '.id': '*61', address: '192.0.2.20' }), entry({}));
    for (const [, at] of Object.entries(placements(s))) expect(at).toBe('*13');
  });
});

describe('dynamic rules', () => {
  const dynamicDrop = (id: string, fields: Record<string, string>): RosItem => ({
    ...drop(id, fields),
    dynamic: 'true',
  });

  it('one that surely drops: said, naming its maker, and no accept is planned for that traffic', () => {
    const s = defconfRouter();
    s.filter.unshift(dynamicDrop('*D1', { protocol: 'udp', 'dst-port': '5060', comment: 'upnp voip' }));
    const upper = defconfRouter();
    upper.filter.unshift(dynamicDrop('*D1', { protocol: 'udp', 'dst-port': '5060', comment: 'UPnP voip' }));
    expect(plan(upper, baseInputs()).warnings.find((w) => w.code === 'dynamic-rule-blocks')?.message).toContain(
      'made by UPnP',
    );
    const p = plan(s, baseInputs());
    expect(p.warnings.filter((w) => w.code === 'dynamic-rule-blocks').map((w) => w.message)).toEqual([
      'The dynamic rule *D1 "upnp voip", made by UPnP, drops SIP UDP 5060 (internal profile) from the phones. RouterOS places nothing above a dynamic rule, so no accept rule can help: change the setting that makes it, then plan again.',
    ]);
    expect(adds(p, FILTER)).toEqual([]);
  });

  it('one that surely drops: no accept before a static drop further down either, for that traffic only', () => {
    const s = withRules();
    s.filter.unshift(dynamicDrop('*D1', { protocol: 'udp', 'dst-port': '5060' }));
    const accepts = adds(plan(s, inputs), FILTER);
    expect(accepts.filter((a) => a.after?.protocol === 'udp' && a.after['dst-port'] === '5060')).toEqual([]);
    expect(accepts.filter((a) => a.after?.['dst-port'] === '5080')).toHaveLength(2);
  });

  it('two that only may drop the same traffic: each is named', () => {
    const s = withRules();
    s.filter.unshift(
      dynamicDrop('*D1', { 'connection-mark': 'x', protocol: 'udp', 'dst-port': '5060' }),
      dynamicDrop('*D2', { 'connection-mark': 'y', protocol: 'udp', 'dst-port': '5060' }),
    );
    const may = plan(s, inputs)
      .warnings.filter((w) => w.code === 'dynamic-rule-may-block')
      .map((w) => w.message.slice(0, 22));
    expect(may).toEqual(['The dynamic rule *D1, ', 'The dynamic rule *D2, ']);
  });

  it('one that only may drop: said, then looked past to the static drop an accept can precede', () => {
    const s = withRules();
    s.filter.unshift(dynamicDrop('*D1', { 'connection-mark': 'x' }));
    const p = plan(s, inputs);
    const may = p.warnings.filter((w) => w.code === 'dynamic-rule-may-block').map((w) => w.message);
    expect(may).toContain(
      'The dynamic rule *D1, made by the router itself, may drop SIP UDP 5060 (internal profile) from the phones. RouterOS places nothing above a dynamic rule: if verify finds this traffic blocked, change the setting that makes it.',
    );
    // One sentence per forward, not one per peer or per look.
    expect(new Set(may).size).toBe(may.length);
    expect(may).toHaveLength(6);
    const twoTrunks = plan(s, {
      ...inputs,
      trunks: [
        { name: 'Carrier A', address: '198.51.100.10' },
        { name: 'Carrier B', address: '198.51.100.20' },
      ],
    }).warnings.filter((w) => w.code === 'dynamic-rule-may-block');
    expect(twoTrunks).toHaveLength(6);
    for (const a of adds(p, FILTER)) expect(a.placeBefore).toBe('*13');
  });

  it('names the HotSpot as the maker of its hs- chains and its jumps', () => {
    const s = hotspotRouter('bridge');
    const may = plan(s, baseInputs()).warnings.filter((w) => w.code === 'dynamic-rule-may-block');
    expect(may.length).toBeGreaterThan(0);
    for (const w of may) expect(w.message).toContain("made by the router's HotSpot");
    expect(may[0]!.message).toMatch(
      /^The dynamic rule \*15, reached by the jump \*11, made by the router's HotSpot, may drop /,
    );
    // A jump the HotSpot made is known by its hotspot matcher, whatever chain it jumps to.
    const byField = defconfRouter();
    byField.hotspots = [{ '.id': '*1', name: 'hotspot1', interface: 'bridge', disabled: 'false' }];
    byField.filter.unshift(
      { ...dynamicDrop('*D2', { action: 'jump', 'jump-target': 'x' }), hotspot: 'to-client' },
      dynamicDrop('*D3', { chain: 'x' }),
    );
    const fieldMay = plan(byField, baseInputs()).warnings.filter((w) => w.code === 'dynamic-rule-may-block');
    expect(fieldMay.length).toBeGreaterThan(0);
    for (const w of fieldMay) expect(w.message).toContain("*D3, reached by the jump *D2, made by the router's HotSpot");
  });

  it('names the router itself for a dynamic rule with neither a HotSpot nor a UPnP mark', () => {
    const s = defconfRouter();
    s.filter.unshift(dynamicDrop('*D1', { protocol: 'udp', comment: 'something else' }));
    const blocks = plan(s, baseInputs()).warnings.filter((w) => w.code === 'dynamic-rule-blocks');
    expect(blocks.length).toBeGreaterThan(0);
    for (const w of blocks) expect(w.message).toContain('made by the router itself');
  });

  it('a jump the router made into another chain is the router itself', () => {
    const s = defconfRouter();
    s.filter.unshift(
      dynamicDrop('*D4', { action: 'jump', 'jump-target': 'custom' }),
      dynamicDrop('*D5', { chain: 'custom', protocol: 'udp' }),
    );
    const blocks = plan(s, baseInputs()).warnings.filter((w) => w.code === 'dynamic-rule-blocks');
    expect(blocks.length).toBeGreaterThan(0);
    for (const w of blocks) expect(w.message).toContain('*D5, reached by the jump *D4, made by the router itself');
  });

  it('a jump the router made into a chain whose name starts hs- is the HotSpot', () => {
    const s = defconfRouter();
    s.filter.unshift(
      dynamicDrop('*D4', { action: 'jump', 'jump-target': 'hs-custom' }),
      dynamicDrop('*D5', { chain: 'hs-custom', protocol: 'udp' }),
    );
    const blocks = plan(s, baseInputs()).warnings.filter((w) => w.code === 'dynamic-rule-blocks');
    expect(blocks.length).toBeGreaterThan(0);
    for (const w of blocks) expect(w.message).toContain("*D5, reached by the jump *D4, made by the router's HotSpot");
  });

  it('a disabled HotSpot server makes no interface a HotSpot one', () => {
    const s = hotspotRouter('bridge');
    s.hotspots = s.hotspots!.map((h) => ({ ...h, disabled: 'true' }));
    expect(plan(s, baseInputs()).warnings.map((w) => w.code)).not.toContain('dynamic-rule-may-block');
  });
});

describe('the order of the changes', () => {
  it('adds lists before the rules that name them, and removes rules before the list entries they named', () => {
    const s = customRouter();
    const first = plan(s, inputs);
    const paths = first.changes.filter((c) => c.action === 'add').map((c) => c.path);
    expect(paths.indexOf('/ip/firewall/address-list')).toBeLessThan(paths.indexOf(FILTER));
    expect(paths.lastIndexOf('/ip/firewall/address-list')).toBeLessThan(paths.indexOf(FILTER));
    expect(paths.lastIndexOf(FILTER)).toBeLessThan(paths.indexOf('/ip/firewall/nat'));

    const applied = apply(s, first.changes);
    const gone = plan(applied, { ...inputs, phones: [] });
    const removes = gone.changes.filter((c) => c.action === 'remove').map((c) => c.path);
    expect(removes.length).toBeGreaterThan(0);
    expect(removes.indexOf('/ip/firewall/nat')).toBeLessThan(removes.indexOf(FILTER));
    expect(removes.lastIndexOf(FILTER)).toBeLessThan(removes.indexOf('/ip/firewall/address-list'));
    expect(gone.changes.map((c) => c.action).indexOf('remove')).toBeGreaterThan(
      gone.changes.map((c) => c.action).lastIndexOf('add'),
    );
  });

  it('turns the SIP helper off before anything else', () => {
    expect(plan(defconfRouter(), baseInputs()).changes[0]?.path).toBe('/ip/firewall/service-port');
  });
});
