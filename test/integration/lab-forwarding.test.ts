/**
 * The router host forwards on its own, without the MikroTik simulator: a plain nftables dnat in
 * the router namespace (written here by the test) carries SIP OPTIONS from the trunk to the pbx.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionsAnswered } from '../lab/clients';
import { startLab, type Lab } from '../lab/lab';
import { SITE } from '../lab/topology';

const isRoot = process.getuid?.() === 0;
let lab: Lab;

beforeAll(async () => {
  if (!isRoot) return;
  lab = await startLab({ routerSim: false });
}, 120_000);

afterAll(async () => {
  await lab?.stop();
});

describe.skipIf(!isRoot)('router host forwarding without the simulator (needs root for namespaces)', () => {
  it('routes between WAN peers and reaches the router, but not the LAN without a forward', async () => {
    expect(lab.router).toBeUndefined();
    const toRouter = await lab.exec('phone', ['nping', '--icmp', '-c', '1', SITE.router.wan]);
    expect(toRouter.stdout).toMatch(/Rcvd: 1 /);
    expect(await optionsAnswered(lab, 'trunk', SITE.router.wan, 5060)).toBe(false);
  });

  it('answers the trunk through an nft dnat, for the trunk only, over UDP and TCP', async () => {
    const nft = (...words: string[]) => lab.exec('router', ['nft', ...words]);
    expect((await nft('add', 'table', 'ip', 'labtest')).code).toBe(0);
    expect(
      (await nft('add', 'chain', 'ip', 'labtest', 'pre', '{ type nat hook prerouting priority -100; }')).code,
    ).toBe(0);
    for (const proto of ['udp', 'tcp']) {
      const rule = ['add', 'rule', 'ip', 'labtest', 'pre', 'iifname', 'ether1', 'ip', 'saddr', SITE.trunk];
      expect((await nft(...rule, proto, 'dport', '5060', 'dnat', 'to', `${SITE.pbx}:5060`)).code).toBe(0);
    }
    expect(await optionsAnswered(lab, 'trunk', SITE.router.wan, 5060, 'udp')).toBe(true);
    expect(await optionsAnswered(lab, 'trunk', SITE.router.wan, 5060, 'tcp')).toBe(true);
    expect(await optionsAnswered(lab, 'stranger', SITE.router.wan, 5060, 'udp')).toBe(false);
    const sources = (await readFile(lab.pbx.sipLog, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { from: string; transport: string }).from);
    expect(new Set(sources)).toEqual(new Set([SITE.trunk]));
  });
});
