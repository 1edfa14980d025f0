/** A WAN address the provider gives (DHCP, PPPoE): nothing the plan writes may depend on today's value. Pure. */
import { describe, expect, it } from 'vitest';
import type { RouterState } from '../../../electron/routeros/state';
import { defconfRouter } from './fixtures/defconf';
import { adds, apply, baseInputs, plan } from './helpers';

const NAT = '/ip/firewall/nat';

/** defconf's DHCP WAN address (flag D) without a WAN interface list. */
function noWanList(): RouterState {
  const state = defconfRouter();
  state.interfaceListMembers = state.interfaceListMembers.filter((m) => m.list !== 'WAN');
  return state;
}

function fixedWan(state: RouterState): RouterState {
  state.addresses = state.addresses.map((a) => (a.interface === 'ether1' ? { ...a, dynamic: 'false' } : a));
  return state;
}

describe('a dynamic WAN address without a WAN list', () => {
  it('forwards match the WAN interface, never the address of today', () => {
    const p = plan(noWanList(), baseInputs());
    const forwards = adds(p, NAT);
    expect(forwards.length).toBeGreaterThan(0);
    for (const f of forwards) {
      expect(f.after?.['in-interface']).toBe('ether1');
      expect(f.after?.['dst-address']).toBeUndefined();
    }
    expect(p.facts['router.wanMatch']).toBe('in-interface=ether1');
  });

  it('a fixed WAN address is still matched as such', () => {
    const p = plan(fixedWan(noWanList()), baseInputs());
    for (const f of adds(p, NAT)) expect(f.after?.['dst-address']).toBe('203.0.113.2');
  });

  it('warns that the PBX announces today’s address', () => {
    const warning = plan(noWanList(), baseInputs()).warnings.find((w) => w.code === 'wan-address-dynamic');
    expect(warning?.message).toMatch(/203\.0\.113\.2 is dynamic .* one-way audio/);
    expect(plan(fixedWan(noWanList()), baseInputs()).warnings.map((w) => w.code)).not.toContain('wan-address-dynamic');
  });

  it("names the router's IP Cloud name for phones and the provider, or how to get one", () => {
    const named = plan({ ...noWanList(), cloudDnsName: 'ab12cd34ef56.sn.mynetname.net' }, baseInputs());
    expect(named.warnings.find((w) => w.code === 'wan-address-dynamic')?.message).toContain(
      "Give remote phones and the provider the router's IP Cloud name ab12cd34ef56.sn.mynetname.net rather than the address",
    );
    expect(named.facts['router.cloudDnsName']).toBe('ab12cd34ef56.sn.mynetname.net');
    const unnamed = plan(noWanList(), baseInputs());
    expect(unnamed.warnings.find((w) => w.code === 'wan-address-dynamic')?.message).toContain(
      '/ip cloud set ddns-enabled=yes, then /ip cloud print shows dns-name',
    );
    expect(unnamed.facts['router.cloudDnsName']).toBeUndefined();
  });
});

describe('hairpin on a dynamic WAN address', () => {
  const inputs = baseInputs({ hairpin: true });

  it("matches the router's own addresses but its LAN one, and says why in the plan", () => {
    const p = plan(defconfRouter(), inputs);
    const hairpin = adds(p, NAT).filter((c) => c.after?.chain === 'dstnat' && c.after['src-address'] !== undefined);
    expect(hairpin.length).toBeGreaterThan(0);
    for (const c of hairpin) {
      expect(c.after).toMatchObject({ 'dst-address-type': 'local', 'dst-address': '!192.168.88.1' });
    }
    expect(p.facts['router.hairpinMatch']).toMatch(/^dst-address-type=local dst-address=!192\.168\.88\.1: .*dynamic/);
    expect(p.warnings.map((w) => w.code)).not.toContain('hairpin-other-router-addresses');
    expect(plan(apply(defconfRouter(), p.changes), inputs).changes).toEqual([]);
  });

  it('warns when the router has other own addresses the match would take too', () => {
    const state = defconfRouter();
    state.addresses.push({ '.id': '*5', address: '10.5.50.1/24', interface: 'ether3', disabled: 'false' });
    const warning = plan(state, inputs).warnings.find((w) => w.code === 'hairpin-other-router-addresses');
    expect(warning?.message).toContain('10.5.50.1');
  });

  it('a fixed address with a second WAN address: hairpin covers the first only, and says so', () => {
    const state = fixedWan(defconfRouter());
    state.addresses.push({ '.id': '*6', address: '203.0.113.3/24', interface: 'ether1', disabled: 'false' });
    const p = plan(state, inputs);
    expect(p.facts['router.hairpinMatch']).toMatch(/^dst-address=203\.0\.113\.2: .*fixed/);
    expect(p.warnings.find((w) => w.code === 'hairpin-one-wan-address')?.message).toContain('203.0.113.3');
  });
});
