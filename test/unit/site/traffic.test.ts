import { describe, expect, it } from 'vitest';
import type { PortReport } from '../../../electron/probe/outside';
import type { RosItem } from '../../../electron/routeros/state';
import {
  counterCheck,
  gatewayChecks,
  parseGateways,
  runTraffic,
  sipProbeChecks,
  type TrafficIo,
} from '../../../electron/site/traffic';

const forward = (id: string, key: string, packets: number): RosItem => ({
  '.id': id,
  chain: 'dstnat',
  action: 'dst-nat',
  comment: `fspbx-nat: forward ${key}`,
  packets: String(packets),
});

const answered = (port: number): PortReport => ({
  protocol: 'udp',
  port,
  what: 'SIP',
  verdict: 'answered',
  detail: 'ok',
  server: 'FreeSWITCH',
});
const silent = (port: number): PortReport => ({
  protocol: 'udp',
  port,
  what: 'SIP',
  verdict: 'no-answer',
  detail: 'none',
});

describe('router counters', () => {
  it('passes when forwards counted packets and names what moved during the check', () => {
    const check = counterCheck(
      [forward('*1', 'sip trunks udp', 3)],
      [forward('*1', 'sip trunks udp', 5), forward('*2', 'rtp phones udp', 0)],
    );
    expect(check.status).toBe('pass');
    expect(check.summary).toMatch(/During this check: forward sip trunks udp \(5\)/);
    expect(check.summary).toMatch(/No traffic yet: forward rtp phones udp/);
  });

  it('warns, pointing at the outside probe, when nothing has come in yet', () => {
    expect(counterCheck([], [forward('*1', 'sip trunks udp', 0)])).toMatchObject({
      status: 'warn',
      fix: expect.stringMatching(/probe --from-outside/),
    });
  });

  it("fails when none of the wizard's forwards is on the router, and ignores other rules", () => {
    const theirs: RosItem = { '.id': '*9', action: 'dst-nat', comment: 'customer rule', packets: '100' };
    expect(counterCheck([], [theirs]).status).toBe('fail');
    expect(counterCheck(undefined, undefined, 'timed out')).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/timed out/),
    });
  });
});

describe('SIP probes and gateways', () => {
  it('explains a PBX port that does not answer on the LAN, and a hairpin that does not', () => {
    const lan = sipProbeChecks([answered(5060), silent(5080)], 'lan', '192.168.88.10');
    expect(lan.map((c) => c.status)).toEqual(['pass', 'fail']);
    expect(lan[1]!.summary).toMatch(/external profile is not running, or the PBX's host firewall drops it/);
    expect(sipProbeChecks([silent(5060)], 'hairpin', '203.0.113.2')[0]!.summary).toMatch(/hairpin NAT rule/);
    const rewritten: PortReport = { ...answered(5060), verdict: 'rewritten', detail: 'Via came back changed' };
    expect(sipProbeChecks([rewritten], 'hairpin', '203.0.113.2')[0]!.fix).toMatch(/Service Ports › sip/);
  });

  it('reads sofia status gateway and fails a trunk that is not registered', () => {
    const text = [
      '                    Profile::Gateway-Name\t   Data\tState\tIB Calls(F/T)\tOB Calls(F/T)',
      '=====================================================',
      '             external::carrier\tsip:u@sip.carrier.example\tREGED\t0/0\t0/0',
      '             external::backup\tsip:u@backup.example\tFAIL_WAIT\t0/0\t0/0',
      '             external::byip\tsip:u@198.51.100.10\tNOREG\t0/0\t0/0',
      '=====================================================',
      '3 gateways: 1 REGED',
    ].join('\n');
    const gateways = parseGateways(text);
    expect(gateways).toEqual([
      { name: 'external::carrier', state: 'REGED' },
      { name: 'external::backup', state: 'FAIL_WAIT' },
      { name: 'external::byip', state: 'NOREG' },
    ]);
    expect(gatewayChecks(gateways).map((c) => c.status)).toEqual(['pass', 'fail', 'pass']);
    // No gateways (the profile list a PBX without trunks prints) gives no checks.
    expect(
      parseGateways('   Name\t   Type\t  Data\tState\n  internal\tprofile\tsip:mod_sofia@x:5060\tRUNNING (0)\n'),
    ).toEqual([]);
  });
});

describe('runTraffic', () => {
  it('turns a router that never answers and a failing fs_cli into check results, within its bounds', async () => {
    const io: TrafficIo = {
      natCounters: () => Promise.reject(new Error('The router did not answer /ip/firewall/nat/print')),
      sipOptions: (_t, ports) => Promise.resolve(ports.map(answered)),
      fsCli: () => Promise.reject(new Error('link lost')),
    };
    const checks = await runTraffic(io, { pbx: '192.168.88.10', hairpin: false, sipPorts: [5060, 5080] });
    expect(checks.map((c) => `${c.id} ${c.status}`)).toEqual([
      'sip-lan-5060 pass',
      'sip-lan-5080 pass',
      'router-counters warn',
      'gateways warn',
    ]);
  });

  it('probes the public address too when hairpin NAT is on, and reads the counters around the probes', async () => {
    const order: string[] = [];
    let packets = 0;
    const io: TrafficIo = {
      natCounters: async () => {
        order.push('counters');
        return [forward('*1', 'sip phones udp', packets)];
      },
      sipOptions: async (target, ports) => {
        order.push(`probe ${target}`);
        packets += 1;
        return ports.map(answered);
      },
      fsCli: async () => undefined,
    };
    const checks = await runTraffic(io, {
      pbx: '192.168.88.10',
      publicIp: '203.0.113.2',
      hairpin: true,
      sipPorts: [5060],
    });
    expect(order[0]).toBe('counters');
    expect(order.at(-1)).toBe('counters');
    expect(order).toContain('probe 203.0.113.2');
    expect(checks.find((c) => c.id === 'sip-hairpin-5060')?.status).toBe('pass');
    expect(checks.find((c) => c.id === 'router-counters')?.summary).toMatch(/During this check/);
  });
});

describe('watching while the outside probe runs', () => {
  it('waits the watch window between the two counter reads, so packets from outside are counted', async () => {
    let packets = 0;
    const waited: number[] = [];
    const io: TrafficIo = {
      natCounters: async () => [forward('*1', 'sip trunks udp', packets)],
      // The LAN probe does not pass through the WAN forward: only the outside probe moves its counter.
      sipOptions: async (_t, ports) => ports.map(answered),
      fsCli: async () => undefined,
    };
    const checks = await runTraffic(io, {
      pbx: '192.168.88.10',
      hairpin: false,
      sipPorts: [5080],
      watchMs: 30_000,
      sleep: async (ms) => {
        waited.push(ms);
        packets += 3; // the technician's probe from outside arrives meanwhile
      },
    });
    expect(waited).toEqual([30_000]);
    expect(checks.find((c) => c.id === 'router-counters')?.status).toBe('pass');
  });
});
