/**
 * Warnings about the PBX host around a plan (plan/plan-warnings.ts), sentence by sentence: the
 * host firewall FS PBX installs (iptables, INPUT policy DROP, SIP 5060:5091 and RTP 16384:32768
 * accepted, event_guard's per-address drops in sip-auth-ip), profiles configured or running on a
 * loopback address, FreeSWITCH not answering. Plain data: the stock PBX fixture's `iptables -S`.
 */
import { describe, expect, it } from 'vitest';
import { parseIptablesS } from '../../../electron/pbx/parse/parse';
import { firewallWarnings, loopbackSettings, runningWarnings } from '../../../electron/pbx/plan/plan-warnings';
import type { PbxState } from '../../../electron/pbx/model/state';
import { IPTABLES_STOCK, PROFILE, stockPbx } from './fixtures/stock';

function withRules(rules: string): PbxState {
  const state = stockPbx();
  state.firewall = parseIptablesS(rules);
  return state;
}

describe('firewallWarnings', () => {
  it('says nothing about the stock firewall, which lets SIP on both profiles and the RTP range in', () => {
    expect(firewallWarnings(stockPbx(), {})).toEqual([]);
  });

  it('says so when the firewall could not be read, and nothing more', () => {
    const state = stockPbx();
    state.firewall = null;
    expect(firewallWarnings(state, { routerLanAddress: '192.0.2.66' })).toEqual([
      {
        code: 'host-firewall-unknown',
        target: 'pbx',
        message: 'The PBX host firewall could not be read; check it allows SIP and RTP.',
      },
    ]);
  });

  it('names each default forward it drops: SIP on 5060 and 5080 by protocol, and the RTP range, with the ports', () => {
    const state = withRules(
      IPTABLES_STOCK.replace('-A INPUT -p tcp -m tcp --dport 5060:5091 -j ACCEPT\n', '')
        .replace('--dport 5060:5091 -j ACCEPT', '--dport 5060:5079 -j ACCEPT')
        .replace('--dport 16384:32768', '--dport 16384:20000'),
    );
    expect(firewallWarnings(state, {}).map((w) => w.message)).toEqual([
      'The PBX host firewall (iptables) drops SIP UDP 5080 on UDP 5080: the router would forward it, but the PBX would not let it in.',
      'The PBX host firewall (iptables) drops SIP TCP 5060 on TCP 5060: the router would forward it, but the PBX would not let it in.',
      'The PBX host firewall (iptables) drops SIP TCP 5080 on TCP 5080: the router would forward it, but the PBX would not let it in.',
      'The PBX host firewall (iptables) drops RTP on UDP 20001-32768: the router would forward it, but the PBX would not let it in.',
    ]);
    expect(firewallWarnings(state, {}).every((w) => w.code === 'host-firewall-drops' && w.target === 'pbx')).toBe(true);
  });

  it('checks the router’s RTP range when given, and the forwards the router plan lists instead of the defaults', () => {
    const state = withRules(IPTABLES_STOCK.replace('--dport 16384:32768', '--dport 16384:20000'));
    expect(firewallWarnings(state, { routerRtp: { start: 10000, end: 16384 } }).map((w) => w.message)).toEqual([
      'The PBX host firewall (iptables) drops RTP on UDP 10000-16383: the router would forward it, but the PBX would not let it in.',
    ]);
    expect(firewallWarnings(stockPbx(), { routerRtp: { start: 10000, end: 40000 } }).map((w) => w.message)).toEqual([
      'The PBX host firewall (iptables) drops RTP on UDP 10000-16383, 32769-40000: the router would forward it, but the PBX would not let it in.',
    ]);
    expect(
      firewallWarnings(state, {
        forwarded: [
          { protocol: 'tcp', range: { start: 5061, end: 5061 }, what: 'SIP TLS' },
          { protocol: 'tcp', range: { start: 8443, end: 8443 }, what: 'WSS' },
          { protocol: 'udp', range: { start: 20000, end: 20002 }, what: 'RTP' },
        ],
      }).map((w) => w.message),
    ).toEqual([
      'The PBX host firewall (iptables) drops WSS on TCP 8443: the router would forward it, but the PBX would not let it in.',
      'The PBX host firewall (iptables) drops RTP on UDP 20001-20002: the router would forward it, but the PBX would not let it in.',
    ]);
  });

  it('warns when event_guard drops SIP from the router’s own LAN address, never for another or a malformed one', () => {
    const state = stockPbx();
    expect(firewallWarnings(state, { routerLanAddress: '192.0.2.66' })).toEqual([
      {
        code: 'host-firewall-blocks-router',
        target: 'pbx',
        message:
          'The PBX host firewall drops SIP from the router (192.0.2.66), probably event_guard after failed logins; with hairpin NAT every phone then looks like the router. Unblock it in FS PBX.',
      },
    ]);
    for (const routerLanAddress of ['192.0.2.67', '192.0.2.666', 'router.lan', '']) {
      expect(firewallWarnings(state, { routerLanAddress }), routerLanAddress).toEqual([]);
    }
    // A firewall that drops SIP for everyone: still no router sentence for a name that is not an address.
    const closed = withRules(IPTABLES_STOCK.replace(/-A INPUT -p (udp|tcp) -m \1 --dport 5060:5091 -j ACCEPT\n/g, ''));
    expect(firewallWarnings(closed, { routerLanAddress: 'router.lan' }).map((w) => w.code)).not.toContain(
      'host-firewall-blocks-router',
    );
    expect(firewallWarnings(closed, {}).map((w) => w.code)).toContain('host-firewall-drops');
  });
});

describe('loopbackSettings', () => {
  it('names each loaded profile with an enabled sip-ip or rtp-ip row on 127.x', () => {
    const state = stockPbx();
    const row = (profile: string, name: string) =>
      state.settings.find((r) => r.sip_profile_uuid === profile && r.sip_profile_setting_name === name)!;
    row(PROFILE.internal, 'rtp-ip').sip_profile_setting_value = '127.0.0.2';
    row(PROFILE.external, 'sip-ip').sip_profile_setting_value = '127.0.0.1';
    expect(loopbackSettings(state)).toEqual([
      {
        code: 'profile-on-loopback',
        target: 'pbx',
        message: 'SIP profile internal is configured on a 127.x address: nothing outside the PBX can reach it.',
      },
      {
        code: 'profile-on-loopback',
        target: 'pbx',
        message: 'SIP profile external is configured on a 127.x address: nothing outside the PBX can reach it.',
      },
    ]);
  });

  it('ignores a disabled row, another setting, an address merely holding 127, and a profile FreeSWITCH does not load', () => {
    const state = stockPbx();
    const row = (profile: string, name: string) =>
      state.settings.find((r) => r.sip_profile_uuid === profile && r.sip_profile_setting_name === name)!;
    Object.assign(row(PROFILE.internal, 'sip-ip'), {
      sip_profile_setting_value: '127.0.0.1',
      sip_profile_setting_enabled: 'false',
    });
    row(PROFILE.internal, 'ext-sip-ip').sip_profile_setting_value = '127.0.0.1';
    row(PROFILE.external, 'rtp-ip').sip_profile_setting_value = '10.127.0.1';
    row(PROFILE.internalV6, 'sip-ip').sip_profile_setting_value = '127.0.0.1';
    const nullValue = row(PROFILE.external, 'sip-ip');
    nullValue.sip_profile_setting_value = null;
    expect(loopbackSettings(state)).toEqual([]);
  });
});

describe('runningWarnings', () => {
  it('says FreeSWITCH did not answer when there are no running profiles to read', () => {
    const state = stockPbx();
    state.running = null;
    expect(runningWarnings(state)).toEqual([
      {
        code: 'freeswitch-not-answering',
        target: 'pbx',
        message: 'FreeSWITCH did not report its SIP profiles; running values cannot be checked.',
      },
    ]);
    expect(runningWarnings(stockPbx())).toEqual([]);
  });

  it('names a running profile whose sip-ip, rtp-ip, url or bind-url holds 127.0.0.1, once, and no other field', () => {
    const state = stockPbx();
    state.running = [
      { name: 'a', info: { 'sip-ip': '127.0.0.1' } },
      { name: 'b', info: { 'rtp-ip': '127.0.0.1' } },
      { name: 'c', info: { url: 'sip:mod_sofia@127.0.0.1:5060', 'bind-url': 'sip:mod_sofia@127.0.0.1:5060' } },
      { name: 'd', info: { 'bind-url': 'sips:mod_sofia@127.0.0.1:5061' } },
      {
        name: 'e',
        info: {
          'ext-sip-ip': '127.0.0.1',
          'tls-url': 'sip:x@127.0.0.1',
          'my-sip-ip': '127.0.0.1',
          'sip-ip-old': '127.0.0.1',
          urls: '127.0.0.1',
        },
      },
      { name: 'f', info: { 'sip-ip': '127.0.0.10' } },
    ];
    const warnings = runningWarnings(state);
    expect(warnings.map((w) => w.message)).toEqual(
      ['a', 'b', 'c', 'd', 'f'].map(
        (n) =>
          `SIP profile ${n} is bound to 127.0.0.1: nothing outside the PBX can reach it. Check its sip-ip and the local_ip_v4 variable.`,
      ),
    );
    expect(warnings.every((w) => w.code === 'profile-on-loopback' && w.target === 'pbx')).toBe(true);
  });
});
