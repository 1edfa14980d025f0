/**
 * The outside probe where it is meant to run: on the trunk provider's side
 * of the lab, aimed at the site's public address. A forward for SIP 5060 from
 * the trunk exists; 5080 is not forwarded; the stranger is not allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/lab';
import { SITE } from '../lab/topology';
import { probeFromOutside } from './helpers/lab-site';

let lab: Lab;

const probeFrom = (host: 'trunk' | 'stranger') => probeFromOutside(lab, host);

beforeAll(async () => {
  lab = await startLab({ routerSim: false });
  // The forward a trunk needs, written straight into the router host's nftables.
  const nft = (...words: string[]) => lab.exec('router', ['nft', ...words]);
  await nft('add', 'table', 'ip', 'probetest');
  await nft('add', 'chain', 'ip', 'probetest', 'pre', '{ type nat hook prerouting priority -100; }');
  await nft(
    'add',
    'rule',
    'ip',
    'probetest',
    'pre',
    'iifname',
    'ether1',
    'ip',
    'saddr',
    SITE.trunk,
    'udp',
    'dport',
    '5060',
    'dnat',
    'to',
    `${SITE.pbx}:5060`,
  );
});

afterAll(async () => {
  await lab?.stop();
});

describe('outside probe', () => {
  it('from the trunk: 5060 answered by the PBX, 5080 not forwarded, RTP sent for the counters', async () => {
    const { code, reports } = await probeFrom('trunk');
    const port = (p: number) => reports.find((r) => r.port === p);
    expect(port(5060)).toMatchObject({ verdict: 'answered' });
    expect(port(5060)?.server).toBeTruthy();
    expect(port(5080)).toMatchObject({ verdict: 'no-answer' });
    expect(reports.filter((r) => r.what === 'RTP').map((r) => r.verdict)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(code).toBe(1);
  });

  it('from a stranger: nothing answers', async () => {
    const { reports } = await probeFrom('stranger');
    expect(reports.filter((r) => r.what.startsWith('SIP')).map((r) => r.verdict)).toEqual(['no-answer', 'no-answer']);
  });
});
