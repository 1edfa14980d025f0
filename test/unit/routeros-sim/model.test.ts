import { describe, expect, it } from 'vitest';
import { buildMenuDefs } from '../../lab/routeros/model/menus';
import { RouterModel } from '../../lab/routeros/model/router';
import { schemaStandIn } from './schema-stand-in';

const schema = (fields: Record<string, string[]>) => schemaStandIn(fields);

const FIREWALL = [
  'chain',
  'action',
  'protocol',
  'dst-port',
  'to-addresses',
  'comment',
  'disabled',
  'log',
  'log-prefix',
];

function model(): RouterModel {
  const defs = buildMenuDefs(
    schema({
      '/ip/firewall/nat': FIREWALL,
      '/ip/firewall/address-list': ['list', 'address', 'comment', 'disabled'],
      '/user/group': ['name', 'policy', 'skin'],
    }),
  );
  return new RouterModel(defs, {
    '/ip/firewall/nat': [{ chain: 'srcnat', action: 'masquerade', comment: 'first' }],
    '/user/group': [
      { name: 'full', policy: 'read,write,policy,api' },
      { name: 'read', policy: 'read,api' },
    ],
    '/user': [
      { name: 'admin', group: 'full', password: '' },
      { name: 'ro', group: 'read', password: '' },
    ],
  });
}

const comments = (m: RouterModel) => m.print('/ip/firewall/nat').map((r) => r.comment);

describe('router model', () => {
  it('numbers new items after the stock ones and returns their .id', () => {
    const m = model();
    const r = m.add(
      '/ip/firewall/nat',
      [
        ['chain', 'dstnat'],
        ['comment', 'a'],
      ],
      m.actor('admin')!,
    );
    expect(r).toEqual({ ok: true, value: '*2' });
    expect(m.print('/ip/firewall/nat')[1]).toMatchObject({ '.id': '*2', chain: 'dstnat', action: 'accept' });
  });

  it('places before an item on add and moves items before a destination', () => {
    const m = model();
    const admin = m.actor('admin')!;
    const a = m.add(
      '/ip/firewall/nat',
      [
        ['chain', 'dstnat'],
        ['comment', 'a'],
      ],
      admin,
    );
    const b = m.add(
      '/ip/firewall/nat',
      [
        ['chain', 'dstnat'],
        ['comment', 'b'],
      ],
      admin,
      '*1',
    );
    expect(comments(m)).toEqual(['b', 'first', 'a']);
    expect(a.ok && b.ok).toBe(true);
    m.move('/ip/firewall/nat', a.ok ? a.value : '', '*1', admin);
    expect(comments(m)).toEqual(['b', 'a', 'first']);
    m.move('/ip/firewall/nat', b.ok ? b.value : '', undefined, admin);
    expect(comments(m)).toEqual(['a', 'first', 'b']);
  });

  it('unsets a field with !name and refuses names outside the table', () => {
    const m = model();
    const admin = m.actor('admin')!;
    expect(m.set('/ip/firewall/nat', '*1', [['!comment', '']], admin)).toEqual({ ok: true, value: undefined });
    expect(m.print('/ip/firewall/nat')[0]?.comment).toBeUndefined();
    expect(m.set('/ip/firewall/nat', '*1', [['to-ports', '5060']], admin)).toEqual({
      ok: false,
      trap: { message: 'unknown parameter to-ports' },
    });
  });

  it('keeps address-list entries unique per list, also on set', () => {
    const m = model();
    const admin = m.actor('admin')!;
    m.add(
      '/ip/firewall/address-list',
      [
        ['list', 'l'],
        ['address', '192.0.2.1'],
      ],
      admin,
    );
    const other = m.add(
      '/ip/firewall/address-list',
      [
        ['list', 'l'],
        ['address', '192.0.2.2'],
      ],
      admin,
    );
    const clash = m.set('/ip/firewall/address-list', other.ok ? other.value : '', [['address', '192.0.2.1']], admin);
    expect(clash).toEqual({ ok: false, trap: { message: 'failure: already have such entry' } });
  });

  it('changes nothing when one of several targets is missing', () => {
    const m = model();
    const r = m.remove('/ip/firewall/nat', '*1,*99', m.actor('admin')!);
    expect(r).toEqual({ ok: false, trap: { message: 'no such item' } });
    expect(comments(m)).toEqual(['first']);
  });

  it('refuses writes by a read user and user changes without the policy policy', () => {
    const m = model();
    const ro = m.actor('ro')!;
    expect(
      m.add(
        '/ip/firewall/address-list',
        [
          ['list', 'l'],
          ['address', '192.0.2.1'],
        ],
        ro,
      ),
    ).toEqual({
      ok: false,
      trap: { message: 'not enough permissions (9)' },
    });
    const writer = { name: 'w', policies: new Set(['read', 'write', 'api']) };
    expect(
      m.add(
        '/user',
        [
          ['name', 'x'],
          ['group', 'read'],
        ],
        writer,
      ).ok,
    ).toBe(false);
  });

  it('hides passwords from print', () => {
    const m = model();
    expect(m.print('/user').every((u) => !('password' in u))).toBe(true);
  });
});
