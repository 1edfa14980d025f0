/** The planner on routers with rules it cannot move: HotSpot's dynamic jumps, other dynamic drops. */
import { describe, expect, it } from 'vitest';
import { matchItem, type MatchContext, type Packet } from '../../../electron/routeros/firewall';
import type { RosItem } from '../../../electron/routeros/state';
import { hotspotRouter, withForwardDrop } from './fixtures/hotspot';
import { adds, apply, baseInputs, plan } from './helpers';

const FILTER = '/ip/firewall/filter';

const fromWan: Packet = {
  protocol: 'udp',
  dstPorts: { lo: 5080, hi: 5080 },
  source: { lo: 0xc6336400 + 10, hi: 0xc6336400 + 10 },
  dstAddress: { lo: 0xc0a8580a, hi: 0xc0a8580a },
  dstLocal: false,
  inInterface: 'ether1',
  outInterface: 'bridge',
  connectionState: 'new',
  dstNatted: true,
};

function ctx(hotspots: string[]): MatchContext {
  return { listMembers: new Map(), addressLists: new Map(), hotspotInterfaces: new Set(hotspots) };
}

const rule = (hotspot: string): RosItem => ({ '.id': '*1', chain: 'forward', action: 'jump', hotspot });

describe('the hotspot matcher for traffic from the WAN', () => {
  it('is "no" for from-client, auth and http, whatever the negation of the others', () => {
    for (const value of ['from-client,!auth', 'from-client', 'auth', 'http', 'from-client,auth', '!auth,from-client'])
      expect(matchItem(rule(value), fromWan, ctx(['guest'])), value).toBe('no');
  });

  it('is "no" for to-client when the packet leaves on an interface without a HotSpot', () => {
    expect(matchItem(rule('to-client,!auth'), fromWan, ctx(['guest']))).toBe('no');
  });

  it('may match to-client when the PBX sits behind the HotSpot interface', () => {
    expect(matchItem(rule('to-client,!auth'), fromWan, ctx(['bridge']))).toBe('maybe');
  });

  it('matches a negated client condition: the packet is not from a client', () => {
    expect(matchItem(rule('!from-client'), fromWan, ctx(['guest']))).toBe('yes');
  });
});

describe('planRouter with a HotSpot on a guest bridge', () => {
  it('adds no accept on defconf, and no warning: the HotSpot jumps never see WAN traffic', () => {
    const p = plan(hotspotRouter(), baseInputs());
    expect(adds(p, FILTER)).toEqual([]);
    expect(p.warnings.filter((w) => w.code.startsWith('dynamic'))).toEqual([]);
  });

  it('with a custom forward drop, places the accepts before that drop, never before a dynamic rule', () => {
    const state = withForwardDrop(hotspotRouter());
    const p = plan(state, baseInputs());
    const accepts = adds(p, FILTER);
    expect(accepts.length).toBeGreaterThan(0);
    expect(new Set(accepts.map((c) => c.placeBefore))).toEqual(new Set(['*20']));
    expect(p.warnings.filter((w) => w.code.startsWith('dynamic'))).toEqual([]);
    expect(plan(apply(state, p.changes), baseInputs()).changes).toEqual([]);
  });
});

describe('planRouter with a HotSpot on the PBX bridge', () => {
  it('says the dynamic hs-unauth-to reject may drop the traffic, and anchors on the static drop behind it', () => {
    const state = withForwardDrop(hotspotRouter('bridge'));
    const p = plan(state, baseInputs());
    const dynamic = p.warnings.filter((w) => w.code === 'dynamic-rule-may-block');
    expect(dynamic.length).toBeGreaterThan(0);
    expect(dynamic[0]!.message).toMatch(/\*15.*reached by the jump \*11.*HotSpot/);
    const places = new Set(adds(p, FILTER).map((c) => c.placeBefore));
    expect(places).toEqual(new Set(['*20']));
  });
});

describe('planRouter with a dynamic rule that surely drops the forwarded traffic', () => {
  it('says so, and plans no accept in front of it', () => {
    const state = hotspotRouter();
    state.filter.unshift({
      '.id': '*30',
      chain: 'forward',
      action: 'drop',
      'in-interface-list': 'WAN',
      'connection-state': 'new',
      comment: 'made by a tool',
      disabled: 'false',
      dynamic: 'true',
    });
    const p = plan(state, baseInputs());
    const blocks = p.warnings.filter((w) => w.code === 'dynamic-rule-blocks');
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks[0]!.message).toMatch(/\*30 "made by a tool".*no accept rule can help/);
    expect(adds(p, FILTER).some((c) => c.placeBefore === '*30')).toBe(false);
  });
});
