/**
 * MNDP against third-party tools: MAC-Telnet's `mndp` lists the simulated
 * router and tshark dissects its packets without complaint. Both run in a
 * pair of namespaces created (and removed) here, never on the host's links.
 */
import { type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

/** Resolves when tshark logs that its capture started (bounded: it fails after 30 s, or if tshark exits first). */
function capturing(capture: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    const timer = setTimeout(() => reject(new Error(`tshark did not start capturing in 30 s: ${said}`)), 30_000);
    capture.stderr?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (/Capture started/.test(said)) {
        clearTimeout(timer);
        resolve();
      }
    });
    capture.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`tshark exited before capturing: ${said}`));
    });
  });
}
const IDENTITY = 'Büro "PBX"; $(reboot) <b>';
let dir: string;
let router = '';
let client = '';
let sim: ChildProcess | undefined;
let routerMac = '';

describe.skipIf(!usable)('MNDP with mactelnet-client and tshark (needs root and network namespaces)', () => {
  beforeAll(async () => {
    await sweepStaleNamespaces();
    dir = await mkdtemp(join(tmpdir(), 'routeros-sim-mndp-'));
    router = await ns.add('M');
    client = await ns.add('C');
    await ns.link(router, 'bridge', client, 'eth0');
    await ns.exec(router, 'ip', 'addr', 'add', '192.168.88.1/24', 'dev', 'bridge');
    await ns.exec(router, 'ip', 'link', 'set', 'bridge', 'up');
    await ns.exec(client, 'ip', 'addr', 'add', '192.168.88.50/24', 'dev', 'eth0');
    await ns.exec(client, 'ip', 'link', 'set', 'eth0', 'up');
    // mndp broadcasts to 255.255.255.255, which needs a route; without one it only listens.
    await ns.exec(client, 'ip', 'route', 'add', 'default', 'via', '192.168.88.1');
    routerMac = (await ns.exec(router, 'cat', '/sys/class/net/bridge/address')).stdout.trim();
    const config = join(dir, 'sim.json');
    await writeFile(
      config,
      JSON.stringify({ bind: '0.0.0.0', apiPort: 8728, apiSslPort: 8729, stateDir: dir, identity: IDENTITY, mndp: {} }),
    );
    sim = (await startSimInNamespace(ns, router, config)).child;
  });

  afterAll(async () => {
    await stopChild(sim);
    await ns.removeAll();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is listed by mndp, which asks with a discovery request and gets an answer at once', async () => {
    const pcap = join(dir, 'mndp.pcap');
    const capture = ns.spawn(
      client,
      'tshark',
      '-q',
      '-i',
      'eth0',
      '-a',
      'duration:4',
      '-f',
      'udp port 5678',
      '-w',
      pcap,
    );
    // tshark logs "Capture started." once dumpcap captures ("Capturing on 'eth0'" comes before that):
    // a fixed wait missed the packets on a loaded machine.
    await capturing(capture);
    const listing = await ns
      .exec(client, 'timeout', '-s', 'INT', '2', 'stdbuf', '-o0', 'mndp')
      .catch((e: { stdout?: string }) => ({
        stdout: e.stdout ?? '',
      }));
    await new Promise<void>((resolve) => capture.once('exit', () => resolve()));
    // mndp prints MAC bytes without zero padding (76:96:0:e9:…).
    const macAsMndpPrintsIt = routerMac
      .split(':')
      .map((b) => parseInt(b, 16).toString(16))
      .join(':');
    expect(listing.stdout).toContain(`192.168.88.1    ${macAsMndpPrintsIt}`);
    expect(listing.stdout).toContain('MikroTik');
    expect(listing.stdout).toContain('Büro "PBX"; $(reboot) <b>');

    const { stdout: dissected } = await ns.exec(client, 'tshark', '-r', pcap, '-V', '-Y', 'mndp');
    // tshark's own spelling of the protocol name.
    expect(dissected).toContain('Mikrotik Neighbor Discovery Protocol');
    expect(dissected).not.toMatch(/Malformed|Expert Info \(Warning|Expert Info \(Error/);
    const { stdout: fields } = await ns.exec(
      client,
      'tshark',
      '-r',
      pcap,
      '-Y',
      'mndp.platform',
      '-T',
      'fields',
      '-e',
      'ip.src',
      '-e',
      'mndp.platform',
      '-e',
      'mndp.interfacename',
      '-e',
      'mndp.ipv4address',
    );
    const rows = fields.trim().split('\n').filter(Boolean);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows[0]?.split('\t')).toEqual(['192.168.88.1', 'MikroTik', 'bridge', '192.168.88.1']);
    await readFile(pcap); // the capture file exists and was readable
  });
});
