/**
 * Issue 21 item 1 on the router: what the wizard manages (routeros/managed.ts) is what the planner
 * writes and all a restore writes back. Plain data: the defconf fixture and a snapshot edited as a
 * forged bundle would hold it (the defconf "drop all not coming from LAN" rule disabled, a
 * WAN:2222 → PBX:22 forward carrying the wizard's tag, the SIP helper's ports, a script).
 */
import { describe, expect, it } from 'vitest';
import { notManaged, plannedOutsideManaged, routerScope } from '../../../electron/routeros/managed';
import { planRouter } from '../../../electron/routeros/plan';
import { planRouterRestore } from '../../../electron/routeros/restore';
import type { RouterState } from '../../../electron/routeros/state';
import { defconfRouter } from './fixtures/defconf';
import { apply, baseInputs, plan } from './helpers';

const INPUTS = baseInputs({ hairpin: true, webGui: true });
const SCOPE = routerScope(INPUTS);
const SSH_FORWARD = {
  '.id': '*F0',
  chain: 'dstnat',
  action: 'dst-nat',
  protocol: 'tcp',
  'in-interface-list': 'WAN',
  'dst-port': '2222',
  'src-address-list': 'fspbx-phones',
  'to-addresses': '192.168.88.10',
  'to-ports': '22',
  comment: 'fspbx-nat: forward sip phones tcp',
  disabled: 'false',
};

function forged(state: RouterState): RouterState {
  const snapshot = structuredClone(state);
  snapshot.filter = snapshot.filter.map((r) =>
    r.comment === 'defconf: drop all not coming from LAN' ? { ...r, disabled: 'true' } : r,
  );
  snapshot.nat = [...snapshot.nat, SSH_FORWARD];
  snapshot.servicePorts = snapshot.servicePorts.map((p) => (p.name === 'sip' ? { ...p, ports: '5060,5061,22' } : p));
  snapshot.scripts = [
    { '.id': '*S1', name: 'fspbx-nat-revert', comment: 'fspbx-nat: revert', source: '/user add name=x group=full' },
  ];
  return snapshot;
}

describe('what the wizard manages on the router', () => {
  it('holds every entry the planner writes, on defconf with hairpin, web GUI, TLS and WSS', () => {
    const state = defconfRouter();
    const inputs = {
      ...INPUTS,
      secureSip: [
        { kind: 'tls' as const, role: 'phones' as const, port: 5061, setting: 'tls' },
        { kind: 'wss' as const, role: 'phones' as const, port: 7443, setting: 'wss-binding' },
      ],
    };
    const result = plan(state, inputs);
    expect(result.changes.length).toBeGreaterThan(10);
    const scope = routerScope(inputs);
    expect(result.changes.map((c) => plannedOutsideManaged(c, state, scope))).toEqual(
      result.changes.map(() => undefined),
    );
  });

  it('does not hold a tagged forward to SSH, one to another host, an untagged forward, or an accept without a port', () => {
    expect(notManaged('nat', SSH_FORWARD, SCOPE)).toBe('forwards to another port');
    expect(notManaged('nat', { ...SSH_FORWARD, 'to-ports': '2222' }, SCOPE)).toBe(
      'tcp 2222 is not forwarded by the wizard',
    );
    const sip = { ...SSH_FORWARD, 'dst-port': '5060', 'to-ports': '5060' };
    expect(notManaged('nat', sip, SCOPE)).toBeUndefined();
    expect(notManaged('nat', { ...sip, 'to-addresses': '192.168.88.1' }, SCOPE)).toBe('not an entry the wizard writes');
    expect(notManaged('nat', { ...sip, 'to-ports': '22' }, SCOPE)).toBe('forwards to another port');
    expect(notManaged('nat', { ...sip, comment: 'port forward' }, SCOPE)).toBe('not tagged fspbx-nat:');
    expect(notManaged('nat', { ...sip, disabled: 'true' }, SCOPE)).toBe('not an entry the wizard writes');
    const accept = {
      chain: 'forward',
      action: 'accept',
      'connection-nat-state': 'dstnat',
      protocol: 'udp',
      'dst-address': '192.168.88.10',
      'src-address-list': 'fspbx-trunks',
      comment: 'fspbx-nat: accept',
    };
    expect(notManaged('filter', accept, SCOPE)).toBe('not an entry the wizard writes');
    expect(notManaged('filter', { ...accept, 'dst-port': '16384-32768' }, SCOPE)).toBeUndefined();
    expect(notManaged('scripts', { name: 'fspbx-nat-revert', comment: 'fspbx-nat: revert' }, SCOPE)).toBe(
      'a menu the wizard does not write',
    );
  });

  it('refuses a plan that would write outside it', () => {
    const state = defconfRouter();
    // The PBX address is on no LAN… so take a valid plan and check the guard on a forged change instead.
    const result = planRouter(state, INPUTS);
    expect(result.ok).toBe(true);
    const forgedAdd = { path: '/ip/firewall/nat', action: 'add' as const, before: null, after: SSH_FORWARD };
    expect(plannedOutsideManaged(forgedAdd, state, SCOPE)).toBe('forwards to another port');
    const disable = {
      path: '/ip/firewall/filter',
      action: 'set' as const,
      itemId: state.filter.find((r) => r.comment === 'defconf: drop all not coming from LAN')!['.id'],
      before: { disabled: 'false' },
      after: { disabled: 'true' },
    };
    expect(plannedOutsideManaged(disable, state, SCOPE)).toBe('not tagged fspbx-nat:');
  });
});

describe('a rollback from a forged router snapshot', () => {
  it('sends none of the disabled defconf rule, the SSH forward, the helper ports or the script, and flags them first', () => {
    const router = defconfRouter();
    const restore = planRouterRestore(forged(router), router, SCOPE);
    expect(restore.changes).toEqual([]);
    const flags = restore.flags ?? [];
    expect(flags.map((f) => [f.subject, f.restored, f.serious])).toEqual([
      ['/ip/firewall/nat "fspbx-nat: forward sip phones tcp"', false, true],
      ['/ip/firewall/filter "defconf: drop all not coming from LAN"', false, true],
      ['/system/script "fspbx-nat: revert"', false, true],
      ['/ip/firewall/service-port "sip"', false, false],
    ]);
    expect(flags[1]!.change).toBe('disabled=true');
    expect(flags[1]!.consequence).toMatch(
      /^Not restored: not managed by the wizard\. It would switch this firewall rule off/,
    );
    expect(flags[0]!.consequence).toMatch(/TCP 2222 from outside to 192\.168\.88\.10:22/);
    expect(flags[3]!.change).toBe('ports=5060,5061,22');
  });

  it('still undoes the wizard’s own apply exactly beside the forged content', () => {
    const before = defconfRouter();
    const applied = apply(before, plan(before, INPUTS).changes);
    const restore = planRouterRestore(forged(before), applied, SCOPE);
    const back = apply(applied, restore.changes);
    expect(back.filter).toEqual(before.filter);
    expect(back.addressLists).toEqual(before.addressLists);
    expect(back.nat.map((i) => i.comment)).toEqual(before.nat.map((i) => i.comment));
    expect(back.servicePorts).toEqual(before.servicePorts);
    expect(back.scripts).toEqual([]);
    // The SIP helper comes back on: a restored change to `disabled`, flagged with its consequence.
    expect(restore.flags?.find((f) => f.restored)).toMatchObject({
      subject: '/ip/firewall/service-port "sip"',
      change: 'disabled=false',
    });
  });

  it('removes a tagged item a forged rollback left behind: every tagged item is the wizard’s to remove', () => {
    const snapshot = defconfRouter();
    const now = structuredClone(snapshot);
    now.nat.push(SSH_FORWARD);
    const restore = planRouterRestore(snapshot, now, SCOPE);
    expect(restore.changes.map((c) => [c.action, c.itemId])).toEqual([['remove', '*F0']]);
  });
});
