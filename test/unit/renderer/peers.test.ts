import { describe, expect, it } from 'vitest';
import type { LanFacts, PeersProposal, ProposedTrunk, TrunkSource } from '../../../contract/types';
import { createWizardStore } from '../../../renderer/src/store/wizard';
import { siteInputsOf } from '../../../renderer/src/store/run';
import { siteLan } from '../../../renderer/src/store/peers';
import { originLines, registeredNow } from '../../../renderer/src/steps/peerOrigin';
import { FakeClient, deferred, failed, ok } from './fake-client';

const source = (over: Partial<TrunkSource> = {}): TrunkSource => ({
  gateway: 'Carrier DNS',
  gatewayId: '6f1c2a7e-1111-4a4a-9b9b-000000000001',
  role: 'proxy',
  configured: 'sip.carrier.example',
  transport: 'udp',
  record: 'NAPTR',
  lookup: 'NAPTR sip.carrier.example → SRV _sip._udp.carrier.example → edge1.carrier.example:5060 → A',
  state: 'REGED',
  ...over,
});

const trunk = (over: Partial<ProposedTrunk> = {}): ProposedTrunk => ({
  id: 'trunk:198.51.100.10',
  name: 'Carrier DNS',
  address: '198.51.100.10',
  selected: true,
  sources: [source()],
  why: 'FreeSWITCH sends gateway "Carrier DNS"\'s SIP here.',
  ...over,
});

const proposal = (over: Partial<PeersProposal> = {}): PeersProposal => ({
  trunks: [
    trunk(),
    trunk({
      id: 'trunk:203.0.113.99',
      name: 'Idle gateway',
      address: '203.0.113.99',
      selected: false,
      sources: [source({ gateway: 'Idle gateway', record: 'IP', configured: '203.0.113.99', state: null })],
      why: 'Gateway "Idle gateway" points here, but FreeSWITCH does not run it now: tick it if it should work.',
    }),
  ],
  phones: [
    {
      id: 'phone:192.0.2.20',
      name: 'Phone 1001',
      address: '192.0.2.20',
      selected: false,
      sources: [{ user: '1001@pbx.example', agent: 'Yealink SIP-T46S 66.86.0.15', port: 5060 }],
      why: 'Registered to the PBX from 192.0.2.20, outside the LAN. Not allowed until you tick it.',
    },
  ],
  warnings: [
    {
      code: 'trunk-changing-addresses',
      target: 'pbx',
      message: 'Gateway "Carrier DNS": its addresses can change: ask the carrier for its published signalling range.',
    },
  ],
  notProposed: [{ what: 'Gateway "Old carrier"', why: 'FreeSWITCH does not load it: it is disabled in FS PBX.' }],
  resolver: { tool: 'dig', records: ['NAPTR', 'SRV', 'A'], note: '' },
  read: { gateways: 3, runningGateways: 1, registrations: 1 },
  ...over,
});

const lanFacts: LanFacts = {
  interfaces: [
    {
      name: 'wlan0',
      address: '10.9.0.5',
      netmask: '255.255.255.0',
      subnet: '10.9.0.0/24',
      prefix: 24,
      broadcast: '10.9.0.255',
      mac: 'aa',
      likelyLan: true,
    },
    {
      name: 'eth0',
      address: '192.168.88.50',
      netmask: '255.255.255.0',
      subnet: '192.168.88.0/24',
      prefix: 24,
      broadcast: '192.168.88.255',
      mac: 'bb',
      likelyLan: false,
    },
  ],
  reasoning: 'wlan0 carries the default route',
};

const pbxAnswer = ok({ kind: 'fspbx' as const, hostname: 'pbx', hostKey: 'SHA256:x' });

/** A store that has read the laptop's LAN and has the PBX form filled in. */
function atSite(client: FakeClient) {
  const store = createWizardStore(client);
  store.setState({ lan: { status: 'done', value: lanFacts } });
  store.getState().setPbxForm({ host: '192.168.88.10', password: 'ppw' });
  return store;
}

describe('step 4 pre-filled from the PBX', () => {
  it('reads the proposals right after the PBX login, with the LAN that holds the PBX, and nothing allowed yet', async () => {
    const client = new FakeClient().on('pbx.read', () => pbxAnswer).on('pbx.peers', () => ok(proposal()));
    const store = atSite(client);
    await store.getState().readPbx();
    expect(client.calls.map((c) => c.op)).toEqual(['pbx.read', 'pbx.peers']);
    // Not the laptop's likely LAN (wlan0): the subnet the PBX is on.
    expect(client.inputsOf('pbx.peers')).toEqual([
      {
        pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'ppw' } },
        lan: '192.168.88.0/24',
      },
    ]);
    expect(store.getState().peerProposal).toMatchObject({ status: 'done', value: { read: { gateways: 3 } } });
  });

  it('does not ask a host that is not a PBX, and a refused login asks nothing more', async () => {
    const client = new FakeClient()
      .on('pbx.read', () => ok({ kind: 'not-a-pbx' as const, hostname: 'nas', hostKey: 'SHA256:y' }))
      .on('pbx.peers', () => ok(proposal()));
    await atSite(client).getState().readPbx();
    const refused = new FakeClient().on('pbx.read', () =>
      failed({ code: 'auth_failed', message: 'The PBX refused the password.' }),
    );
    await atSite(refused).getState().readPbx();
    expect([...client.calls, ...refused.calls].map((c) => c.op)).toEqual(['pbx.read', 'pbx.read']);
  });

  it('turns proposals into rows: trunks ticked as proposed, phones never, the empty typed row gone', async () => {
    const client = new FakeClient().on('pbx.read', () => pbxAnswer).on('pbx.peers', () => ok(proposal()));
    const store = atSite(client);
    await store.getState().readPbx();
    const { trunks, phones } = store.getState();
    expect(trunks.map((t) => [t.name, t.address, t.proposed?.ticked])).toEqual([
      ['Carrier DNS', '198.51.100.10', true],
      ['Idle gateway', '203.0.113.99', false],
    ]);
    expect(phones.map((p) => [p.name, p.address, p.proposed?.ticked])).toEqual([['Phone 1001', '192.0.2.20', false]]);
    const keys = [...trunks, ...phones].map((r) => r.key);
    expect(new Set(keys).size).toBe(3);
    expect(Math.min(...keys)).toBeGreaterThanOrEqual(2);
  });

  it('plans only ticked proposals and typed rows; a ticked phone and an edited trunk go as edited', async () => {
    const client = new FakeClient().on('pbx.read', () => pbxAnswer).on('pbx.peers', () => ok(proposal()));
    const store = atSite(client);
    await store.getState().readPbx();
    expect(siteInputsOf(store.getState())).toMatchObject({
      trunks: [{ name: 'Carrier DNS', address: '198.51.100.10' }],
      phones: [],
    });
    const s = () => store.getState();
    s().tickPeer('phones', s().phones[0]!.key, true);
    s().updatePeer('trunks', s().trunks[0]!.key, { address: '198.51.100.0/28' });
    s().addPeer('phones');
    s().updatePeer('phones', s().phones[1]!.key, { name: 'Branch', address: '192.0.2.80' });
    expect(siteInputsOf(s())).toMatchObject({
      trunks: [{ name: 'Carrier DNS', address: '198.51.100.0/28' }],
      phones: [
        { name: 'Phone 1001', address: '192.0.2.20' },
        { name: 'Branch', address: '192.0.2.80' },
      ],
    });
    s().tickPeer('phones', s().phones[0]!.key, false);
    expect(siteInputsOf(s()).phones).toEqual([{ name: 'Branch', address: '192.0.2.80' }]);
  });

  it('reading again keeps the technician’s ticks and edits, sends what is allowed, and keeps typed rows', async () => {
    let answer = proposal();
    const client = new FakeClient().on('pbx.read', () => pbxAnswer).on('pbx.peers', () => ok(answer));
    const store = atSite(client);
    const s = () => store.getState();
    await s().readPbx();
    const phoneKey = s().phones[0]!.key;
    s().tickPeer('phones', phoneKey, true);
    s().updatePeer('trunks', s().trunks[0]!.key, { name: 'Our carrier' });
    s().tickPeer('trunks', s().trunks[1]!.key, true);
    s().addPeer('trunks');
    s().updatePeer('trunks', s().trunks[2]!.key, { address: '198.51.100.77' });
    // The PBX no longer has the idle gateway; it now proposes the typed address itself.
    answer = proposal({
      trunks: [trunk(), trunk({ id: 'trunk:198.51.100.77', name: 'New', address: '198.51.100.77' })],
    });
    await s().readPeers();
    expect(client.inputsOf('pbx.peers')[1]?.allowed).toEqual([
      '198.51.100.10',
      '203.0.113.99',
      '198.51.100.77',
      '192.0.2.20',
    ]);
    expect(s().trunks.map((t) => [t.name, t.address, t.proposed?.ticked ?? 'typed'])).toEqual([
      ['Our carrier', '198.51.100.10', true],
      // Ticked once, gone from the PBX: kept, as if typed.
      ['Idle gateway', '203.0.113.99', 'typed'],
      ['', '198.51.100.77', 'typed'],
    ]);
    expect(s().phones).toMatchObject([{ key: phoneKey, proposed: { ticked: true } }]);
  });

  it('a failed read blocks nothing: the error is kept for its one line, the rows stay as typed', async () => {
    const client = new FakeClient()
      .on('pbx.read', () => pbxAnswer)
      .on('pbx.peers', () => failed({ code: 'timeout', message: 'The PBX did not answer in 30 s.' }));
    const store = atSite(client);
    store.getState().updatePeer('trunks', store.getState().trunks[0]!.key, { address: '198.51.100.10' });
    await store.getState().readPbx();
    expect(store.getState().pbx.status).toBe('done');
    expect(store.getState().peerProposal).toMatchObject({ status: 'error', error: { code: 'timeout' } });
    expect(siteInputsOf(store.getState()).trunks).toEqual([{ name: '198.51.100.10', address: '198.51.100.10' }]);
  });

  it('an answer overtaken by a newer read is dropped', async () => {
    const first = deferred<ReturnType<typeof ok<PeersProposal>>>();
    let calls = 0;
    const client = new FakeClient().on('pbx.peers', () =>
      ++calls === 1 ? first.promise : ok(proposal({ trunks: [], phones: [] })),
    );
    const store = atSite(client);
    const one = store.getState().readPeers();
    await store.getState().readPeers();
    first.resolve(ok(proposal()));
    await one;
    expect(store.getState().trunks.map((t) => t.address)).toEqual(['']);
  });
});

describe('where a proposal came from, in words', () => {
  it('names the gateway, the setting, the DNS record and FreeSWITCH’s state; a phone by user, agent and address', () => {
    const [trunkLine] = originLines({ kind: 'trunk', sources: [source()] }, '198.51.100.10');
    expect(trunkLine).toBe(
      'Gateway "Carrier DNS", proxy sip.carrier.example (UDP) · DNS NAPTR record: NAPTR sip.carrier.example → SRV _sip._udp.carrier.example → edge1.carrier.example:5060 → A · registered (REGED)',
    );
    expect(originLines({ kind: 'trunk', sources: [source({ record: 'IP', state: null })] }, 'x')[0]).toContain(
      'typed as an IP address in FS PBX · not running in FreeSWITCH now',
    );
    expect(
      originLines({ kind: 'phone', sources: [{ user: '1001@pbx.example', agent: '', port: null }] }, '192.0.2.20'),
    ).toEqual(['Registered as 1001@pbx.example · no user agent given · from 192.0.2.20']);
    expect(registeredNow({ kind: 'trunk', sources: [source({ state: 'NOREG' }), source()] })).toBe(true);
    expect(registeredNow({ kind: 'trunk', sources: [source({ state: 'NOREG' })] })).toBe(false);
  });

  it('takes the laptop subnet that holds the PBX, else its likely LAN, else none', () => {
    const done = { status: 'done' as const, value: lanFacts };
    expect(siteLan(done, '192.168.88.10')).toBe('192.168.88.0/24');
    expect(siteLan(done, 'pbx.example')).toBe('10.9.0.0/24');
    expect(siteLan({ status: 'idle' }, '192.168.88.10')).toBeUndefined();
  });
});
