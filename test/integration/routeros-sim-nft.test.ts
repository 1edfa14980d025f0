/**
 * Enforcement: the simulator renders its firewall into nftables inside its
 * own namespace. wan ⇄ router ⇄ lan namespaces created (and removed) here;
 * a UDP echo on the lan server stands in for the PBX.
 */
import { type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Namespaces,
  canUseNamespaces,
  startSimInNamespace,
  stopChild,
  sweepStaleNamespaces,
} from '../lab/routeros/testing/netns';

const usable = await canUseNamespaces();
const ns = new Namespaces();
let dir: string;
let wan = '';
let router = '';
let lan = '';
let sim: ChildProcess | undefined;
let echo: ChildProcess | undefined;
let apiPort = 0;

const TRUNK = '203.0.113.10';
const STRANGER = '203.0.113.66';

async function api(...sentences: string[][]): Promise<string[][][]> {
  const { stdout } = await ns.exec(
    lan,
    process.execPath,
    '--import',
    'tsx',
    'test/lab/routeros/testing/ns-api.ts',
    '192.168.88.1',
    String(apiPort),
    'admin',
    '',
    JSON.stringify(sentences),
  );
  return (JSON.parse(stdout) as string[][][]).slice(1);
}

async function probe(from: string): Promise<string> {
  const { stdout } = await ns.exec(
    wan,
    process.execPath,
    '--import',
    'tsx',
    'test/lab/routeros/testing/udp-probe.ts',
    from,
    '203.0.113.2',
    '5060',
    '1500',
  );
  return stdout.trim();
}

function attr(sentence: string[] | undefined, name: string): string | undefined {
  return sentence?.find((w) => w.startsWith(`=${name}=`))?.slice(name.length + 2);
}

describe.skipIf(!usable)('nftables enforcement (needs root and network namespaces)', () => {
  beforeAll(async () => {
    await sweepStaleNamespaces();
    dir = await mkdtemp(join(tmpdir(), 'routeros-sim-nft-'));
    wan = await ns.add('W');
    router = await ns.add('R');
    lan = await ns.add('L');
    await ns.link(router, 'ether1', wan, 'isp0');
    await ns.link(router, 'ether2', lan, 'eth0');
    const r = (...a: string[]) => ns.exec(router, 'ip', ...a);
    await r('link', 'add', 'bridge', 'type', 'bridge');
    await r('link', 'set', 'ether2', 'master', 'bridge');
    for (const dev of ['ether1', 'ether2', 'bridge']) await r('link', 'set', dev, 'up');
    await r('addr', 'add', '203.0.113.2/24', 'dev', 'ether1');
    await r('addr', 'add', '192.168.88.1/24', 'dev', 'bridge');
    await ns.exec(router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    const w = (...a: string[]) => ns.exec(wan, 'ip', ...a);
    await w('link', 'set', 'isp0', 'up');
    await w('addr', 'add', `${TRUNK}/24`, 'dev', 'isp0');
    await w('addr', 'add', `${STRANGER}/24`, 'dev', 'isp0');
    const l = (...a: string[]) => ns.exec(lan, 'ip', ...a);
    await l('link', 'set', 'eth0', 'up');
    await l('addr', 'add', '192.168.88.10/24', 'dev', 'eth0');
    await l('route', 'add', 'default', 'via', '192.168.88.1');
    echo = ns.spawn(lan, process.execPath, '--import', 'tsx', 'test/lab/routeros/testing/udp-echo.ts', '5060');
    const config = join(dir, 'sim.json');
    await writeFile(
      config,
      JSON.stringify({ bind: '0.0.0.0', apiPort: 8728, apiSslPort: 8729, stateDir: dir, nft: true }),
    );
    const started = await startSimInNamespace(ns, router, config);
    sim = started.child;
    apiPort = started.ready.apiPort;
  });

  afterAll(async () => {
    await stopChild(sim);
    await stopChild(echo);
    await ns.removeAll();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('drops WAN traffic that no dst-nat rule forwards (defconf)', async () => {
    expect(await probe(TRUNK)).toBe('timeout');
  });

  it('forwards a dst-nat rule restricted to an address list, counts it, and stops when it is removed', async () => {
    const [list, nat] = await api(
      ['/ip/firewall/address-list/add', '=list=trunks', `=address=${TRUNK}`],
      [
        '/ip/firewall/nat/add',
        '=chain=dstnat',
        '=action=dst-nat',
        '=protocol=udp',
        '=dst-port=5060',
        '=in-interface-list=WAN',
        '=src-address-list=trunks',
        '=to-addresses=192.168.88.10',
        '=comment=sip trunk',
      ],
    );
    expect(list?.[0]?.[0]).toBe('!done');
    const id = attr(nat?.[0], 'ret')!;
    expect(await probe(TRUNK)).toBe('reply echo:OPTIONS sip:probe');
    expect(await probe(STRANGER)).toBe('timeout');
    const [stats, drops] = await api(
      ['/ip/firewall/nat/print', '=stats=', `?.id=${id}`],
      ['/ip/firewall/filter/print', '?comment=defconf: drop all not coming from LAN'],
    );
    expect(Number(attr(stats?.[0], 'packets'))).toBeGreaterThanOrEqual(1);
    expect(Number(attr(stats?.[0], 'bytes'))).toBeGreaterThan(0);
    // The stranger's datagram hit the router itself (no dst-nat) and died in the input chain.
    expect(Number(attr(drops?.[0], 'packets'))).toBeGreaterThanOrEqual(1);
    await api(['/ip/firewall/nat/remove', `=.id=${id}`]);
    expect(await probe(TRUNK)).toBe('timeout');
  });

  it('lets a SIPp OPTIONS from the trunk reach the PBX through a dst-nat rule, and not once it is removed', async () => {
    // Foreground, so that it is stopped by its own PID (ip netns exec execs into sipp).
    const uas = ns.spawn(
      lan,
      'sipp',
      '-sf',
      'test/lab/routeros/testing/sip-options-uas.xml',
      '-i',
      '192.168.88.10',
      '-p',
      '5080',
      '-nostdin',
    );
    await new Promise((r) => setTimeout(r, 500));
    const uac = (port: string) =>
      ns
        .exec(
          wan,
          'sipp',
          '203.0.113.2:5080',
          '-sf',
          'test/lab/routeros/testing/sip-options-uac.xml',
          '-i',
          TRUNK,
          '-p',
          port,
          '-m',
          '1',
          '-nostdin',
          '-timeout',
          '6s',
          '-timeout_error',
        )
        .then(() => 'answered')
        .catch(() => 'no answer');
    try {
      const [, nat] = await api(
        ['/ip/firewall/address-list/add', '=list=sip-trunks', `=address=${TRUNK}`],
        [
          '/ip/firewall/nat/add',
          '=chain=dstnat',
          '=action=dst-nat',
          '=protocol=udp',
          '=dst-port=5080',
          '=in-interface-list=WAN',
          '=src-address-list=sip-trunks',
          '=to-addresses=192.168.88.10',
        ],
      );
      expect(await uac('5071')).toBe('answered');
      await api(['/ip/firewall/nat/remove', `=.id=${attr(nat?.[0], 'ret')}`]);
      expect(await uac('5072')).toBe('no answer');
    } finally {
      await stopChild(uas);
    }
  });

  it('removes its nftables table on SIGTERM', async () => {
    const before = await ns.exec(router, 'nft', 'list', 'tables');
    expect(before.stdout).toContain('routeros_sim');
    expect(await stopChild(sim)).toBe(0);
    const after = await ns.exec(router, 'nft', 'list', 'tables');
    expect(after.stdout).not.toContain('routeros_sim');
  });
});
