import { describe, expect, it } from 'vitest';
import { droppedPorts, evaluateInput } from '../../../electron/pbx/parse/host-firewall';
import { iptablesWords, parseIptablesS, parseSofiaXmlStatus, rtpRangeFrom } from '../../../electron/pbx/parse/parse';
import { IPTABLES_STOCK } from './fixtures/stock';

const STOCK_SWITCH_CONF = `<configuration name="switch.conf" description="Core Configuration">
  <settings>
    <param name="max-sessions" value="1000"/>
    <!-- RTP port range -->
    <!-- <param name="rtp-start-port" value="16384"/> -->
    <!-- <param name="rtp-end-port" value="32768"/> -->
    <!--
    <param name="rtp-start-port" value="20000"/>
    -->
  </settings>
</configuration>`;

describe('RTP range from switch.conf.xml', () => {
  it('ignores commented-out params: a stock install uses FreeSWITCH’s 16384–32768', () => {
    expect(rtpRangeFrom({ switchConf: STOCK_SWITCH_CONF })).toEqual({ start: 16384, end: 32768, source: 'default' });
    expect(rtpRangeFrom({})).toEqual({ start: 16384, end: 32768, source: 'default' });
  });

  it('reads uncommented params, either quote style, and lets post_load override', () => {
    const custom = STOCK_SWITCH_CONF.replace(
      '<param name="max-sessions" value="1000"/>',
      `<param name="rtp-start-port" value="10000"/>\n<param name='rtp-end-port' value='20000' />`,
    );
    expect(rtpRangeFrom({ switchConf: custom })).toEqual({ start: 10000, end: 20000, source: 'switch.conf.xml' });
    const post = '<settings><param name="rtp-end-port" value="25000"/></settings>';
    expect(rtpRangeFrom({ switchConf: custom, postLoad: post })).toEqual({
      start: 10000,
      end: 25000,
      source: 'post_load_switch.conf.xml',
    });
  });

  it('ignores values that are not ports', () => {
    const odd = '<param name="rtp-start-port" value="$${rtp_start}"/><param name="rtp-end-port" value="99999"/>';
    expect(rtpRangeFrom({ switchConf: odd }).source).toBe('default');
  });
});

describe('iptables -S', () => {
  it('splits words and keeps quoted comments whole', () => {
    expect(iptablesWords('-A INPUT -m comment --comment "allow \\"sip\\" here" -j ACCEPT')).toEqual([
      '-A',
      'INPUT',
      '-m',
      'comment',
      '--comment',
      'allow "sip" here',
      '-j',
      'ACCEPT',
    ]);
  });

  it('reads policies, chains and rules in order', () => {
    const fw = parseIptablesS(IPTABLES_STOCK);
    expect(fw.policies).toEqual({ INPUT: 'DROP', FORWARD: 'DROP', OUTPUT: 'ACCEPT' });
    expect(fw.chains).toContain('sip-auth-ip');
    expect(fw.rules[0]).toEqual({ chain: 'INPUT', words: ['-i', 'lo', '-j', 'ACCEPT'] });
    expect(fw.rules.at(-1)).toEqual({ chain: 'sip-auth-ip', words: ['-s', '192.0.2.66/32', '-j', 'DROP'] });
  });
});

describe('host firewall evaluation', () => {
  const stock = parseIptablesS(IPTABLES_STOCK);

  it('lets the stock FS PBX rules carry SIP on UDP and TCP and the whole RTP range', () => {
    for (const protocol of ['udp', 'tcp'] as const) {
      expect(droppedPorts(stock, protocol, { start: 5060, end: 5060 })).toEqual([]);
      expect(droppedPorts(stock, protocol, { start: 5080, end: 5080 })).toEqual([]);
    }
    expect(droppedPorts(stock, 'udp', { start: 16384, end: 32768 })).toEqual([]);
  });

  it('finds the exact sub-ranges a firewall drops', () => {
    const narrow = parseIptablesS(IPTABLES_STOCK.replace('--dport 16384:32768', '--dport 16384:20000'));
    expect(droppedPorts(narrow, 'udp', { start: 16384, end: 32768 })).toEqual([{ start: 20001, end: 32768 }]);
    expect(droppedPorts(stock, 'tcp', { start: 16384, end: 16390 })).toEqual([{ start: 16384, end: 16390 }]);
  });

  it('sees an event_guard block of one address without blaming every peer', () => {
    expect(evaluateInput(stock, { protocol: 'udp', port: 5060 })).toEqual({ kind: 'accepted' });
    const blocked = evaluateInput(stock, { protocol: 'udp', port: 5060, source: { lo: 0xc0000242, hi: 0xc0000242 } });
    expect(blocked).toMatchObject({ kind: 'dropped', certain: true });
  });

  it('treats a rule it cannot judge as possibly dropping', () => {
    const odd = parseIptablesS('-P INPUT ACCEPT\n-A INPUT -p udp -m geoip --src-cc CN -j DROP');
    expect(evaluateInput(odd, { protocol: 'udp', port: 5060 })).toMatchObject({ kind: 'dropped', certain: false });
    expect(evaluateInput(odd, { protocol: 'tcp', port: 5060 })).toEqual({ kind: 'accepted' });
  });

  it('honours negation and ACCEPT policies', () => {
    const fw = parseIptablesS('-P INPUT ACCEPT\n-A INPUT ! -p tcp -j DROP');
    expect(evaluateInput(fw, { protocol: 'udp', port: 5060 }).kind).toBe('dropped');
    expect(evaluateInput(fw, { protocol: 'tcp', port: 5060 }).kind).toBe('accepted');
  });
});

describe('sofia xmlstatus', () => {
  it('reads the profile-info leaves, decoding entities', () => {
    const xml = `<?xml version="1.0"?><profile><profile-info><name>internal</name><ext-rtp-ip>203.0.113.2</ext-rtp-ip>
      <ext-sip-ip>203.0.113.2</ext-sip-ip><aggressive-nat>true</aggressive-nat><dialplan>XML&amp;more</dialplan>
      </profile-info><registrations/></profile>`;
    expect(parseSofiaXmlStatus(xml)).toEqual({
      name: 'internal',
      'ext-rtp-ip': '203.0.113.2',
      'ext-sip-ip': '203.0.113.2',
      'aggressive-nat': 'true',
      dialplan: 'XML&more',
    });
    expect(parseSofiaXmlStatus('Invalid Profile!')).toEqual({});
  });
});
