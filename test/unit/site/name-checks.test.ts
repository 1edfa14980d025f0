/**
 * Verify's finding for a trunk or phone given as a DNS name (site/checks/names.ts, through
 * routerChecks): the addresses the router resolved the name to, or a failure that says nothing from
 * it is forwarded, and what to check. Plain plans and router states.
 */
import { describe, expect, it } from 'vitest';
import { routerChecks } from '../../../electron/site/checks';
import { nameChecks } from '../../../electron/site/checks/names';
import type { SitePlan } from '../../../electron/site/combine';
import type { RouterChange } from '../../../electron/routeros/change';
import type { RosItem, RouterState } from '../../../electron/routeros/state';
import { defconfRouter } from '../routeros/fixtures/defconf';

const LISTS = '/ip/firewall/address-list';

const entry = (id: string, address: string, list = 'fspbx-trunks'): RouterChange => ({
  id,
  target: 'router',
  path: LISTS,
  action: 'add',
  before: null,
  after: { list, address, comment: 'fspbx-nat: trunk Carrier' },
  reason: 'test',
});

const withLists = (items: RosItem[]): RouterState => ({ ...defconfRouter(), addressLists: items });
const staticName: RosItem = {
  '.id': '*A',
  list: 'fspbx-trunks',
  address: 'sip.carrier.example',
  comment: 'fspbx-nat: trunk Carrier',
  disabled: 'false',
};
const child = (address: string): RosItem => ({
  '.id': `*${address.split('.').pop()}`,
  list: 'fspbx-trunks',
  address,
  comment: 'sip.carrier.example',
  dynamic: 'true',
});

describe('name checks', () => {
  it('pass with the addresses the router resolved the name to', () => {
    const [check] = nameChecks([entry('r1', 'sip.carrier.example')], withLists([staticName, child('198.51.100.10')]));
    expect(check).toEqual({
      id: 'router-name-r1',
      title: 'Name lookup: sip.carrier.example',
      status: 'pass',
      summary:
        "The router resolved sip.carrier.example to 198.51.100.10 and keeps fspbx-trunks current as it changes. If FS PBX's Access Controls list this provider by address, they must hold these addresses.",
    });
  });

  it('fail when the router found no address, and say what to check', () => {
    const [check] = nameChecks([entry('r1', 'sip.carrier.example')], withLists([staticName]));
    expect(check?.status).toBe('fail');
    expect(check?.summary).toBe(
      'The router found no address for sip.carrier.example: fspbx-trunks holds the name but no address for it, so nothing from it is forwarded to the PBX.',
    );
    expect(check).toEqual({
      id: 'router-name-r1',
      title: 'Name lookup: sip.carrier.example',
      status: 'fail',
      summary: check?.summary,
      fix: 'Check the name, and that the router can look names up: IP › DNS needs a server, and the terminal\'s ":resolve sip.carrier.example" must answer. RouterOS adds the addresses by itself once the name resolves; verify again.',
      changeId: 'r1',
    });
  });

  it('look at names only, and at additions only', () => {
    const remove: RouterChange = { ...entry('r2', 'sip.carrier.example'), action: 'remove' };
    const nat: RouterChange = { ...entry('r3', 'sip.carrier.example'), path: '/ip/firewall/nat' };
    const noList: RouterChange = { ...entry('r4', 'sip.carrier.example'), after: { address: 'sip.carrier.example' } };
    const noAddress: RouterChange = { ...entry('r5', ''), after: { list: 'fspbx-trunks' } };
    const state = withLists([staticName, child('198.51.100.10')]);
    expect(nameChecks([entry('r1', '198.51.100.10'), remove, nat, noList, noAddress], state)).toEqual([]);
  });

  it('come after the entry checks in routerChecks, and only for an entry that is on the router', () => {
    const change = entry('r1', 'sip.carrier.example');
    const plan: SitePlan = {
      changes: [change],
      warnings: [],
      facts: {},
      router: { changes: [change], warnings: [], facts: {} },
    };
    const there = routerChecks(plan, withLists([staticName, child('198.51.100.10'), child('198.51.100.11')]));
    expect(there.map((c) => `${c.id} ${c.status}`)).toEqual([
      'router-r1 pass',
      'router-name-r1 pass',
      'sip-helper fail',
    ]);
    expect(there[1]?.summary).toContain('to 198.51.100.10, 198.51.100.11 and keeps');
    const gone = routerChecks(plan, withLists([]));
    expect(gone.map((c) => `${c.id} ${c.status}`)).toEqual(['router-r1 fail', 'sip-helper fail']);
  });
});
