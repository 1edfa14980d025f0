/**
 * TLS and WSS forwards in the router plan: restricted to the peers' lists like
 * SIP (phones → internal profile's TLS and WSS, trunks → external profile's
 * TLS), TCP only, each saying which PBX setting asked for it; none when the
 * PBX asks for none or the role has no peers; a second plan is empty; restore
 * takes them away.
 */
import { describe, expect, it } from 'vitest';
import type { SecureSipForward } from '../../../electron/routeros/inputs';
import { routerScope } from '../../../electron/routeros/managed';
import { planRouterRestore } from '../../../electron/routeros/restore';
import { customRouter } from './fixtures/custom';
import { defconfRouter } from './fixtures/defconf';
import { adds, apply, baseInputs, plan } from './helpers';

const NAT = '/ip/firewall/nat';

const TLS_INTERNAL: SecureSipForward = {
  kind: 'tls',
  role: 'phones',
  port: 5061,
  setting: 'internal profile: tls=$${internal_ssl_enable} (internal_ssl_enable=true), tls-sip-port=5061',
};
const WSS: SecureSipForward = {
  kind: 'wss',
  role: 'phones',
  port: 7443,
  setting: 'internal profile: wss-binding=:7443',
};
const TLS_EXTERNAL: SecureSipForward = {
  kind: 'tls',
  role: 'trunks',
  port: 5081,
  setting: 'external profile: tls=true, tls-sip-port=5081',
};

const secureNat = (p: ReturnType<typeof plan>) =>
  adds(p, NAT)
    .map((c) => c.after!)
    .filter((f) => /forward (tls|wss) /.test(f.comment ?? ''));

describe('TLS and WSS forwards', () => {
  const secureSip = [TLS_INTERNAL, WSS, TLS_EXTERNAL];

  it('one TCP dst-nat each, from the role list only, to the same port on the PBX, matched on WAN', () => {
    const p = plan(defconfRouter(), baseInputs({ secureSip }));
    expect(secureNat(p).map((f) => `${f.comment} ${f['src-address-list']} ${f.protocol} ${f['dst-port']}`)).toEqual([
      'fspbx-nat: forward tls phones tcp fspbx-phones tcp 5061',
      'fspbx-nat: forward wss phones tcp fspbx-phones tcp 7443',
      'fspbx-nat: forward tls trunks tcp fspbx-trunks tcp 5081',
    ]);
    for (const f of secureNat(p)) {
      expect(f).toMatchObject({ chain: 'dstnat', action: 'dst-nat', 'in-interface-list': 'WAN' });
      expect(f['to-addresses']).toBe('192.168.88.10');
      expect(f['to-ports']).toBe(f['dst-port']);
    }
  });

  it('each says which PBX setting asked for it', () => {
    const p = plan(defconfRouter(), baseInputs({ secureSip }));
    const reason = (comment: string) => p.changes.find((c) => c.after?.comment === comment)?.reason ?? '';
    expect(reason('fspbx-nat: forward tls phones tcp')).toMatch(
      /SIP over TLS on TCP 5061 from the phones.*only from addresses in fspbx-phones\. The PBX asks for it: internal profile: tls=\$\$\{internal_ssl_enable\} \(internal_ssl_enable=true\), tls-sip-port=5061\./,
    );
    expect(reason('fspbx-nat: forward wss phones tcp')).toMatch(/WSS\) on TCP 7443.*wss-binding=:7443/);
    expect(reason('fspbx-nat: forward tls trunks tcp')).toMatch(/external profile: tls=true, tls-sip-port=5081/);
  });

  it('nothing when the PBX asks for none, or when the role has no peers', () => {
    expect(secureNat(plan(defconfRouter(), baseInputs()))).toEqual([]);
    expect(secureNat(plan(defconfRouter(), baseInputs({ secureSip: [] })))).toEqual([]);
    const noPhones = plan(defconfRouter(), baseInputs({ secureSip, phones: [] }));
    expect(secureNat(noPhones).map((f) => f.comment)).toEqual(['fspbx-nat: forward tls trunks tcp']);
  });

  it('the same plan without them is unchanged: they only add', () => {
    const without = plan(defconfRouter(), baseInputs());
    const withThem = plan(defconfRouter(), baseInputs({ secureSip }));
    const key = (c: (typeof without.changes)[number]) => JSON.stringify([c.path, c.action, c.after]);
    const extra = withThem.changes.map(key).filter((k) => !without.changes.map(key).includes(k));
    expect(extra).toHaveLength(3);
    expect(extra.every((k) => /forward (tls|wss) /.test(k))).toBe(true);
  });

  it('a custom firewall that drops forwarded traffic gets an accept for each of them too', () => {
    const p = plan(customRouter(), baseInputs({ secureSip, pbxAddress: '10.20.0.10' }));
    const accepts = p.changes.filter((c) => c.path === '/ip/firewall/filter' && c.action === 'add');
    expect(accepts.map((c) => c.after?.comment)).toEqual(
      expect.arrayContaining([
        'fspbx-nat: accept tls phones tcp',
        'fspbx-nat: accept wss phones tcp',
        'fspbx-nat: accept tls trunks tcp',
      ]),
    );
    const tls = accepts.find((c) => c.after?.comment === 'fspbx-nat: accept tls phones tcp')!;
    expect(tls.after).toMatchObject({ protocol: 'tcp', 'dst-port': '5061', 'src-address-list': 'fspbx-phones' });
  });

  it('hairpin NAT covers them: LAN phones dialling the public address reach TLS and WSS', () => {
    const p = plan(defconfRouter(), baseInputs({ secureSip, hairpin: true }));
    expect(p.changes.map((c) => c.after?.comment ?? '')).toEqual(
      expect.arrayContaining([
        'fspbx-nat: hairpin tcp 5061',
        'fspbx-nat: hairpin tcp 7443',
        'fspbx-nat: hairpin tcp 5081',
      ]),
    );
  });

  it('a second plan on the applied router is empty, and restore to the snapshot removes them', () => {
    const before = defconfRouter();
    const first = plan(before, baseInputs({ secureSip }));
    const after = apply(before, first.changes);
    expect(after.nat.filter((i) => /forward (tls|wss) /.test(i.comment ?? ''))).toHaveLength(3);
    expect(plan(after, baseInputs({ secureSip })).changes).toEqual([]);
    const restore = planRouterRestore(before, after, routerScope(baseInputs({ secureSip })));
    const back = apply(after, restore.changes);
    expect(back.nat.filter((i) => /forward (tls|wss) /.test(i.comment ?? ''))).toEqual([]);
    expect(
      restore.changes.filter((c) => c.action === 'remove' && /forward (tls|wss) /.test(c.before?.comment ?? '')),
    ).toHaveLength(3);
  });

  it('TLS turned off on the PBX later: the next plan removes its forward', () => {
    const before = defconfRouter();
    const after = apply(before, plan(before, baseInputs({ secureSip })).changes);
    const next = plan(after, baseInputs({ secureSip: [WSS] }));
    expect(next.changes.map((c) => `${c.action} ${c.before?.comment ?? c.after?.comment}`)).toEqual([
      'remove fspbx-nat: forward tls phones tcp',
      'remove fspbx-nat: forward tls trunks tcp',
    ]);
  });
});
