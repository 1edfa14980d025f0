/**
 * Ansible's community.routeros against the simulator on loopback: api_info
 * reads, api_modify writes, and a second api_modify run changes nothing.
 * Inventory and playbook are generated into a temporary directory.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouterSim, startRouterSim } from '../lab/routeros';

const run = promisify(execFile);
const HOST = '127.0.0.32';
const hasAnsible = existsSync('/usr/bin/ansible-playbook');

let dir: string;
let sim: RouterSim;

interface TaskResult {
  changed?: boolean;
  failed?: boolean;
  msg?: string;
  result?: Record<string, unknown>[];
}
interface PlaybookOutput {
  plays: { tasks: { task: { name: string }; hosts: Record<string, TaskResult> }[] }[];
  stats: Record<string, { changed: number; failures: number; ok: number }>;
}

function playbook(port: number): string {
  const conn = `      hostname: ${HOST}\n      port: ${port}\n      username: admin\n      password: "ans ible"\n      tls: false`;
  return `- hosts: routers
  gather_facts: false
  module_defaults:
    group/community.routeros.api:
${conn}
  tasks:
    - name: read nat
      community.routeros.api_info:
        path: ip firewall nat
    - name: read filter
      community.routeros.api_info:
        path: ip firewall filter
    - name: read interface lists
      community.routeros.api_info:
        path: interface list member
    - name: address lists
      community.routeros.api_modify:
        path: ip firewall address-list
        data:
          - list: fspbx-trunks
            address: 198.51.100.10
            comment: "fspbx: trunk"
          - list: fspbx-phones
            address: 192.0.2.20
        handle_absent_entries: ignore
    - name: sip helper off
      community.routeros.api_modify:
        path: ip firewall service-port
        data:
          - name: sip
            disabled: true
        handle_absent_entries: ignore
        handle_entries_content: remove_as_much_as_possible
    - name: port forwards
      community.routeros.api_modify:
        path: ip firewall nat
        data:
          - chain: srcnat
            action: masquerade
            out-interface-list: WAN
            ipsec-policy: out,none
            comment: "defconf: masquerade"
          - chain: dstnat
            action: dst-nat
            protocol: udp
            dst-port: 5080
            in-interface-list: WAN
            src-address-list: fspbx-trunks
            to-addresses: 192.168.88.10
            comment: "fspbx: sip trunks"
        handle_absent_entries: remove
        handle_entries_content: remove_as_much_as_possible
        ensure_order: true
`;
}

async function runPlaybook(): Promise<PlaybookOutput> {
  const { stdout } = await run('ansible-playbook', ['-i', join(dir, 'inventory.ini'), join(dir, 'playbook.yml')], {
    cwd: dir,
    timeout: 120_000,
    maxBuffer: 32 << 20,
    env: {
      ...process.env,
      HOME: dir,
      ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'),
      ANSIBLE_STDOUT_CALLBACK: 'json',
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_RETRY_FILES_ENABLED: '0',
    },
  }).catch((e: { stdout?: string; stderr?: string }) => {
    throw new Error(`ansible-playbook failed: ${e.stdout ?? ''}${e.stderr ?? ''}`);
  });
  return JSON.parse(stdout) as PlaybookOutput;
}

function task(out: PlaybookOutput, name: string): TaskResult {
  const t = out.plays[0]?.tasks.find((x) => x.task.name === name);
  return t?.hosts.sim ?? {};
}

describe.skipIf(!hasAnsible)('Ansible community.routeros against the simulator (needs Debian ansible)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'routeros-sim-ansible-'));
    await mkdir(join(dir, 'tmp'));
    sim = await startRouterSim({
      bind: HOST,
      apiPort: 0,
      apiSslPort: 0,
      stateDir: join(dir, 'state'),
      users: [{ name: 'admin', password: 'ans ible', group: 'full' }],
    });
    await writeFile(
      join(dir, 'inventory.ini'),
      '[routers]\nsim ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n',
    );
    await writeFile(join(dir, 'playbook.yml'), playbook(sim.apiPort));
  });

  afterAll(async () => {
    await sim?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('api_info reads, api_modify writes, and a second run is idempotent', async () => {
    const first = await runPlaybook();
    expect(first.stats.sim?.failures).toBe(0);
    expect(task(first, 'read nat').result).toHaveLength(1);
    expect(task(first, 'read filter').result).toHaveLength(11);
    expect(task(first, 'read interface lists').result?.map((m) => m.list)).toEqual(['LAN', 'WAN']);
    expect(task(first, 'address lists').changed).toBe(true);
    expect(task(first, 'sip helper off').changed).toBe(true);
    expect(task(first, 'port forwards').changed).toBe(true);

    const lists = sim.state.print('/ip/firewall/address-list').map((e) => `${e.list}=${e.address}`);
    expect(lists).toEqual(['fspbx-trunks=198.51.100.10', 'fspbx-phones=192.0.2.20']);
    expect(sim.state.print('/ip/firewall/service-port').find((s) => s.name === 'sip')?.disabled).toBe('true');
    expect(sim.state.print('/ip/firewall/nat').map((r) => r.comment)).toEqual([
      'defconf: masquerade',
      'fspbx: sip trunks',
    ]);

    const second = await runPlaybook();
    expect(second.stats.sim?.failures).toBe(0);
    expect(second.stats.sim?.changed).toBe(0);
  });
});
