import { describe, expect, it } from 'vitest';
import { isRegistrationList, parseRegistrations } from '../../../electron/pbx/parse/registrations';
import { parseDnsPart } from '../../../electron/pbx/read/peers';

/** One row as show_reg_callback_xml writes it (mod_sofia.c:2882-2898). */
const reg = (user: string, agent: string, ip: string, port: string) => `    <registration>
        <call-id>abc123@192.0.2.20</call-id>
        <user>${user}</user>
        <contact>&quot;1001&quot; &lt;sip:1001@192.0.2.20:5060;fs_nat=yes&gt;</contact>
        <agent>${agent}</agent>
        <status>Registered(UDP-NAT)(unknown) exp(2024-08-02 21:02:27) expsecs(3590)</status>
        <ping-status>Reachable</ping-status>
        <ping-time>0.00</ping-time>
        <host>pbx</host>
        <network-ip>${ip}</network-ip>
        <network-port>${port}</network-port>
        <sip-auth-user>1001</sip-auth-user>
        <sip-auth-realm>pbx.example.com</sip-auth-realm>
        <mwi-account>1001@pbx.example.com</mwi-account>
    </registration>
`;

const doc = (rows: string) =>
  `<?xml version="1.0" encoding="ISO-8859-1"?>\n<profile>\n  <registrations>\n${rows}  </registrations>\n</profile>\n`;

describe('sofia xmlstatus profile internal reg', () => {
  it('reads user, network-ip, network-port and agent (entities decoded)', () => {
    const xml = doc(reg('1001@pbx.example.com', 'Yealink SIP-T46S &amp; co', '192.0.2.20', '40612'));
    expect(isRegistrationList(xml)).toBe(true);
    expect(parseRegistrations(xml)).toEqual([
      {
        user: '1001@pbx.example.com',
        agent: 'Yealink SIP-T46S & co',
        contact: '"1001" <sip:1001@192.0.2.20:5060;fs_nat=yes>',
        networkIp: '192.0.2.20',
        networkPort: 40612,
      },
    ]);
  });

  it('skips a row a raw hostile user name broke, keeps the others, and strips control characters', () => {
    const xml = doc(reg('<evil>@x', 'a', '192.0.2.21', '1') + reg('1002@d', 'bad\u001b[31m agent', '192.0.2.22', 'x'));
    const regs = parseRegistrations(xml);
    expect(regs.map((r) => r.networkIp)).toEqual(['192.0.2.22']);
    expect(regs[0]).toMatchObject({ agent: 'bad [31m agent', networkPort: null });
  });

  it('an empty list and an unknown profile', () => {
    expect(parseRegistrations(doc(''))).toEqual([]);
    expect(isRegistrationList('Invalid Profile!\n')).toBe(false);
  });
});

describe('the DNS part of the peers read (dig, host, getent)', () => {
  it('reads dig +noall +answer lines with TTLs, skipping CNAMEs', () => {
    const dns = parseDnsPart(
      [
        '@tool dig',
        '@q NAPTR sip.carrier.example',
        'sip.carrier.example. 300 IN NAPTR 10 20 "S" "SIP+D2U" "" _sip._udp.sip.carrier.example.',
        '',
        '@e 0',
        '@q SRV _sip._udp.sip.carrier.example',
        '_sip._udp.sip.carrier.example. 300 IN SRV 10 5 5060 edge1.carrier.example.',
        '@e 0',
        '@q A edge1.carrier.example',
        'edge1.carrier.example. 60 IN CNAME real.carrier.example.',
        'real.carrier.example. 60 IN A 198.51.100.10',
        '@e 0',
        '@budget',
      ].join('\n'),
    );
    expect(dns.resolver).toBe('dig');
    expect(dns.truncated).toBe(true);
    expect(dns.answers.map((a) => [a.label, a.name, a.records])).toEqual([
      [
        'NAPTR',
        'sip.carrier.example',
        [
          {
            type: 'NAPTR',
            order: 10,
            preference: 20,
            flags: 's',
            service: 'SIP+D2U',
            replacement: '_sip._udp.sip.carrier.example',
          },
        ],
      ],
      [
        'SRV',
        '_sip._udp.sip.carrier.example',
        [{ type: 'SRV', priority: 10, weight: 5, port: 5060, target: 'edge1.carrier.example' }],
      ],
      ['A', 'edge1.carrier.example', [{ type: 'A', address: '198.51.100.10', ttl: 60 }]],
    ]);
  });

  it('reads host and getent answers', () => {
    const host = parseDnsPart(
      '@tool host\n@q SRV _sip._udp.a.example\n_sip._udp.a.example has SRV record 0 0 5060 b.example.\n@e 0\n@q A b.example\nb.example has address 198.51.100.3\n@e 0\n',
    );
    expect(host.answers.flatMap((a) => a.records)).toEqual([
      { type: 'SRV', priority: 0, weight: 0, port: 5060, target: 'b.example' },
      { type: 'A', address: '198.51.100.3', ttl: null },
    ]);
    const getent = parseDnsPart(
      '@tool getent\n@q A a.example\n198.51.100.4    STREAM a.example\n198.51.100.4    DGRAM  \n198.51.100.4    RAW    \n\n@e 0\n',
    );
    expect(getent.answers).toEqual([
      { label: 'A', name: 'a.example', records: [{ type: 'A', address: '198.51.100.4', ttl: null }], exitCode: 0 },
    ]);
  });
});
