/** The site facts a plan is made from, computed once (site/facts.ts). Pure: plain router and PBX states. */
import { describe, expect, it } from 'vitest';
import { siteFacts } from '../../../electron/site/facts';
import type { RouterState } from '../../../electron/routeros/state';
import { defconfRouter } from '../routeros/fixtures/defconf';
import { storedInputs } from '../helpers/stored-inputs';

const rtp = { rtp: { start: 16384, end: 32768, source: 'switch.conf.xml' as const } };

function fixedWan(state: RouterState): RouterState {
  state.addresses = state.addresses.map((a) => (a.interface === 'ether1' ? { ...a, dynamic: 'false' } : a));
  return state;
}

describe('the site facts of a plan', () => {
  it('take the router’s WAN address as the public address, and say the provider may change it', () => {
    const facts = siteFacts(storedInputs(), defconfRouter(), rtp);
    expect(facts).toEqual({
      publicIp: '203.0.113.2',
      publicFrom: 'router',
      publicDynamic: true,
      wanInterface: 'ether1',
      routerLanAddress: '192.168.88.1',
      rtp: { start: 16384, end: 32768 },
      revertMinutes: 5,
    });
  });

  it('a fixed WAN address is not dynamic', () => {
    expect(siteFacts(storedInputs(), fixedWan(defconfRouter()), rtp).publicDynamic).toBe(false);
  });

  it('take the address the technician entered over the router’s, and its revert time', () => {
    const inputs = storedInputs({
      options: { ...storedInputs().options, publicIp: '198.51.100.7', revertMinutes: 12 },
    });
    const facts = siteFacts(inputs, defconfRouter(), rtp);
    expect(facts.publicIp).toBe('198.51.100.7');
    expect(facts.publicFrom).toBe('technician');
    // Not the router's address: nothing the router says about its own WAN applies to it.
    expect(facts.publicDynamic).toBe(false);
    expect(facts).not.toHaveProperty('wanInterface');
    expect(facts.revertMinutes).toBe(12);
  });

  it('an entered address that is the router’s own WAN address keeps what the router says of it', () => {
    const inputs = storedInputs({ options: { ...storedInputs().options, publicIp: '203.0.113.2' } });
    const facts = siteFacts(inputs, defconfRouter(), rtp);
    expect(facts.publicFrom).toBe('technician');
    expect(facts.publicDynamic).toBe(true);
    expect(facts.wanInterface).toBe('ether1');
  });

  it('refuse in one sentence when the router has no WAN address and none was entered', () => {
    const state = defconfRouter();
    state.addresses = state.addresses.filter((a) => a.interface !== 'ether1');
    expect(() => siteFacts(storedInputs(), state, rtp)).toThrow(/enter the site's public IP in Options/);
  });

  it('have no router LAN address when the PBX is not on one of the router’s LANs', () => {
    const inputs = storedInputs({ pbx: { ...storedInputs().pbx, host: '10.9.9.9' } });
    expect(siteFacts(inputs, defconfRouter(), rtp)).not.toHaveProperty('routerLanAddress');
  });
});
