import { describe, expect, it } from 'vitest';
import { siteOptions } from '../../../contract/schemas';
import { pbxInputsFrom, routerInputsFrom } from '../../../electron/site/inputs';

describe('planner inputs from the site inputs', () => {
  const options = siteOptions.parse({ hairpin: true, extensions: ['1002'] });
  const site = { trunks: [{ name: 'Carrier', address: '198.51.100.10' }], phones: [], options };

  it('gives the router planner the PBX address and RTP range read from the PBX', () => {
    expect(routerInputsFrom(site, { address: '192.168.88.10', rtp: { start: 16384, end: 32768 } })).toEqual({
      pbxAddress: '192.168.88.10',
      trunks: site.trunks,
      phones: [],
      pbxRtp: { start: 16384, end: 32768 },
      webGui: false,
      hairpin: true,
      allowAnySource: false,
    });
    const withIp = routerInputsFrom(
      { ...site, options: { ...options, publicIp: '198.51.100.2' } },
      { address: '10.20.0.10', rtp: { start: 1, end: 2 } },
    );
    expect(withIp.wanAddress).toBe('198.51.100.2');
  });

  it('gives the PBX planner the public address, RTP range and router LAN address of the site facts', () => {
    const facts = {
      publicIp: '203.0.113.2',
      publicFrom: 'router' as const,
      publicDynamic: false,
      routerLanAddress: '192.168.88.1',
      rtp: { start: 16384, end: 32768 },
      revertMinutes: 5,
    };
    expect(pbxInputsFrom({ options }, facts)).toEqual({
      publicIp: '203.0.113.2',
      mediaMode: 'proxy',
      extensions: ['1002'],
      routerRtp: { start: 16384, end: 32768 },
      routerLanAddress: '192.168.88.1',
    });
    const { routerLanAddress: _lan, ...withoutLan } = facts;
    expect(pbxInputsFrom({ options }, withoutLan)).not.toHaveProperty('routerLanAddress');
  });
});
