/**
 * Verify's trunk Contact check (site/checks/gateways.ts) on plain data: running profiles with their
 * gateways, and `sofia status gateway <name>` answers written as mod_sofia.c:2995-3025 prints them
 * (`Label\tvalue` rows between '=' lines).
 */
import { describe, expect, it } from 'vitest';
import type { PbxState } from '../../../electron/pbx/model/state';
import { gatewayContactChecks } from '../../../electron/site/checks';
import { stockPbx } from '../pbx/fixtures/stock';

const PUBLIC = '203.0.113.2';
const GW = 'aaaaaaaa-0000-4000-8000-000000000001';

function pbxWith(gateways: { name: string; state: string }[] | undefined): PbxState {
  const state = stockPbx();
  state.running = [
    { name: 'internal', info: {} },
    { name: 'external', info: {}, ...(gateways === undefined ? {} : { gateways }) },
  ];
  return state;
}

function detail(contact: string, proxy = 'sip:198.51.100.10'): string {
  return [
    '=================================================================================================',
    `Name    \t${GW}`,
    'Profile \texternal',
    `Proxy   \t${proxy}`,
    `Contact \t${contact}`,
    'State   \tREGED',
    '=================================================================================================',
  ].join('\n');
}

describe('the trunk Contact check', () => {
  it('passes a gateway registering with the public address, named as FS PBX names it', () => {
    const checks = gatewayContactChecks(
      pbxWith([{ name: GW, state: 'REGED' }]),
      new Map([[GW, detail(`<sip:gw+${GW}@${PUBLIC}:5080;transport=udp;gw=${GW}>`)]]),
      PUBLIC,
      new Map([[GW, 'Lab Trunk']]),
    );
    expect(checks).toEqual([
      {
        id: `gateway-contact-${GW}`,
        title: 'Trunk gateway Lab Trunk Contact',
        status: 'pass',
        summary: `Registers with Contact <sip:gw+${GW}@${PUBLIC}:5080;transport=udp;gw=${GW}>.`,
      },
    ]);
  });

  it('fails one registering with the LAN address, saying what the provider cannot do and how to reload it', () => {
    const contact = `<sip:gw+${GW}@192.168.88.10:5080;transport=udp;gw=${GW}>`;
    const [check] = gatewayContactChecks(
      pbxWith([{ name: GW, state: 'REGED' }]),
      new Map([[GW, detail(contact)]]),
      PUBLIC,
    );
    expect(check).toEqual({
      id: `gateway-contact-${GW}`,
      title: `Trunk gateway ${GW} Contact`,
      status: 'fail',
      summary: `Registers with Contact ${contact}, not the public address ${PUBLIC}: a provider that sends calls to the Contact cannot reach the PBX.`,
      fix: `On the PBX run fs_cli -x "sofia profile external killgw ${GW}" and then fs_cli -x "sofia profile external rescan": the gateway is loaded again with the profile's ext-sip-ip, and no call drops.`,
    });
  });

  it('finds the FS PBX name by the gateway’s lower-case uuid', () => {
    const upper = GW.toUpperCase();
    const [check] = gatewayContactChecks(
      pbxWith([{ name: upper, state: 'REGED' }]),
      new Map(),
      PUBLIC,
      new Map([[GW, 'Carrier']]),
    );
    expect(check!.title).toBe('Trunk gateway Carrier Contact');
  });

  it('warns when FreeSWITCH did not say, and judges nothing for gateways that do not register or profiles without any', () => {
    expect(gatewayContactChecks(pbxWith([{ name: GW, state: 'TRYING' }]), new Map(), PUBLIC)).toEqual([
      {
        id: `gateway-contact-${GW}`,
        title: `Trunk gateway ${GW} Contact`,
        status: 'warn',
        summary: 'FreeSWITCH did not say which Contact this gateway registers with.',
      },
    ]);
    expect(gatewayContactChecks(pbxWith([{ name: GW, state: 'NOREG' }]), new Map(), PUBLIC)).toEqual([]);
    expect(gatewayContactChecks(pbxWith(undefined), new Map(), PUBLIC)).toEqual([]);
    const down = stockPbx();
    down.running = null;
    expect(gatewayContactChecks(down, new Map(), PUBLIC)).toEqual([]);
  });

  it('does not judge a gateway whose registrar is on the LAN, whatever case its scheme is written in', () => {
    const lanContact = `<sip:gw+${GW}@192.168.88.10:5080>`;
    for (const proxy of ['sip:192.168.88.20', 'SIP:192.168.88.20:5060', 'sips:192.168.88.20;transport=tls']) {
      expect(
        gatewayContactChecks(
          pbxWith([{ name: GW, state: 'REGED' }]),
          new Map([[GW, detail(lanContact, proxy)]]),
          PUBLIC,
        ),
      ).toEqual([]);
    }
  });
});
