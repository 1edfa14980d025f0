/** Which connection-tracking entries an apply and its rollback clear: read from the changes. Pure. */
import { describe, expect, it } from 'vitest';
import { bypassesForward, conntrackCheck, conntrackTargets, entryMatches } from '../../../electron/routeros/conntrack';
import type { RouterChange } from '../../../electron/routeros/change';
import type { RosItem } from '../../../electron/routeros/state';
import { defconfRouter } from './fixtures/defconf';
import { apply, baseInputs, plan } from './helpers';

const entry = (src: string, dst: string, replySrc: string, protocol = 'udp'): RosItem => ({
  '.id': '*AB12',
  protocol,
  'src-address': src,
  'dst-address': dst,
  'reply-src-address': replySrc,
  'reply-dst-address': src,
});

describe('connection-tracking targets', () => {
  const state = defconfRouter();
  const p = plan(state, baseInputs());
  const targets = conntrackTargets(state, p.changes);

  it('are the forwarded protocols and ports, from the peers each forward lets in', () => {
    expect(targets).toContainEqual({ protocol: 'udp', ports: '5080', sources: ['198.51.100.10'] });
    expect(targets).toContainEqual({ protocol: 'udp', ports: '5060', sources: ['192.0.2.20'] });
    const rtp = targets.find((t) => t.ports === '16384-32768');
    expect(rtp?.sources.sort()).toEqual(['192.0.2.20', '198.51.100.10']);
  });

  it('are shown in the plan', () => {
    expect(p.facts['router.conntrack']).toMatch(/cleared after apply and rollback: .*UDP 5080 from 198\.51\.100\.10/);
  });

  it('are the same for a rollback that removes the forwards (its removes carry the rules as they were)', () => {
    const after = apply(state, p.changes);
    const removes: RouterChange[] = after.nat
      .filter((item) => item.comment?.startsWith('fspbx-nat:'))
      .map((item, i) => ({
        id: `r${i}`,
        target: 'router',
        path: '/ip/firewall/nat',
        action: 'remove',
        itemId: item['.id'],
        before: { ...item },
        after: null,
        reason: 'rollback',
      }));
    const back = conntrackTargets(after, removes);
    for (const t of targets) expect(back).toContainEqual(t);
  });

  it('match an entry from the trunk to 5080 and not one from a stranger or to another port', () => {
    expect(entryMatches(entry('198.51.100.10:5060', '203.0.113.2:5080', '203.0.113.2:5080'), targets)).toBe(true);
    expect(entryMatches(entry('192.0.2.66:5060', '203.0.113.2:5080', '203.0.113.2:5080'), targets)).toBe(false);
    expect(entryMatches(entry('198.51.100.10:5060', '203.0.113.2:5081', '203.0.113.2:5081'), targets)).toBe(false);
    expect(entryMatches(entry('198.51.100.10:5060', '203.0.113.2:5080', '', 'tcp'), targets)).toBe(true);
  });

  it('tell an entry that bypasses the forward (replies from the router) from one the PBX answers', () => {
    const stale = entry('198.51.100.10:5060', '203.0.113.2:5080', '203.0.113.2:5080');
    const forwarded = entry('198.51.100.10:5060', '203.0.113.2:5080', '192.168.88.10:5080');
    expect(bypassesForward(stale, targets, '192.168.88.10')).toBe(true);
    expect(bypassesForward(forwarded, targets, '192.168.88.10')).toBe(false);
  });
});

describe("verify's connection-tracking check", () => {
  it('passes with no stale entry and warns, naming them, with some', () => {
    expect(conntrackCheck([]).status).toBe('pass');
    const check = conntrackCheck([entry('198.51.100.10:5060', '203.0.113.2:5080', '203.0.113.2:5080')]);
    expect(check.status).toBe('warn');
    expect(check.summary).toContain('UDP 198.51.100.10:5060 → 203.0.113.2:5080');
    expect(check.fix).toMatch(/\/ip firewall connection remove/);
  });
});
