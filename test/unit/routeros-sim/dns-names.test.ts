/**
 * The simulator's address-list entries given as DNS names (model/dns-names.ts): the static entry
 * keeps the name, one dynamic entry per resolved address follows it (comment = the name), the
 * entries move when the answer changes, and go with the name. Resolution is a stand-in here, except
 * one round trip to the lab's own DNS responder (test/lab/dns.ts) bound on 127.0.0.1.
 */
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LAB_CARRIER_NAME, LAB_ZONE, reply } from '../../lab/dns';
import { followDnsNames, parseReply, resolverAt, type Answer } from '../../lab/routeros/model/dns-names';
import { buildMenuDefs } from '../../lab/routeros/model/menus';
import { RouterModel } from '../../lab/routeros/model/router';
import { schemaStandIn } from './schema-stand-in';

const LISTS = '/ip/firewall/address-list';

function model(): RouterModel {
  const defs = buildMenuDefs(
    schemaStandIn({ '/ip/firewall/address-list': ['list', 'address', 'comment', 'disabled'] }, [
      'name',
      'comment',
      'disabled',
      'policy',
      'group',
      'password',
    ]),
  );
  return new RouterModel(defs, {
    '/user/group': [{ name: 'full', policy: 'read,write,policy,api' }],
    '/user': [{ name: 'admin', group: 'full', password: '' }],
  });
}

/** A resolver the test answers by hand: each lookup waits for `answer`. */
function handResolver() {
  const asked: string[] = [];
  const pending: ((a: Answer | undefined) => void)[] = [];
  return {
    asked,
    resolve: (name: string) =>
      new Promise<Answer | undefined>((done) => {
        asked.push(name);
        pending.push(done);
      }),
    async answer(a: Answer | undefined) {
      pending.shift()?.(a);
      await new Promise((r) => setImmediate(r));
    },
  };
}

const rows = (m: RouterModel) =>
  m
    .print(LISTS)
    .map((r) => `${r.dynamic === 'true' ? 'D ' : ''}${r.list} ${r.address}${r.comment ? ` ;;; ${r.comment}` : ''}`);

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

describe('address-list entries given as names', () => {
  it('keep the name in the static entry and add one dynamic entry per resolved address, named by the comment', async () => {
    const m = model();
    const dns = handResolver();
    stops.push(followDnsNames(m, dns.resolve));
    const admin = m.actor('admin')!;
    const added = m.add(
      LISTS,
      [
        ['list', 'fspbx-trunks'],
        ['address', 'sip.carrier.example'],
        ['comment', 'fspbx-nat: trunk Carrier'],
      ],
      admin,
    );
    expect(added.ok).toBe(true);
    expect(dns.asked).toEqual(['sip.carrier.example']);
    await dns.answer({ addresses: ['198.51.100.10', '198.51.100.11'], ttlSeconds: 300 });
    expect(rows(m)).toEqual([
      'fspbx-trunks sip.carrier.example ;;; fspbx-nat: trunk Carrier',
      'D fspbx-trunks 198.51.100.10 ;;; sip.carrier.example',
      'D fspbx-trunks 198.51.100.11 ;;; sip.carrier.example',
    ]);
  });

  it('add nothing while the name does not resolve, and drop the dynamic entries with the name', async () => {
    const m = model();
    const dns = handResolver();
    stops.push(followDnsNames(m, dns.resolve));
    const admin = m.actor('admin')!;
    const id = m.add(
      LISTS,
      [
        ['list', 'fspbx-phones'],
        ['address', 'home.dyn.example'],
      ],
      admin,
    );
    await dns.answer({ addresses: [], ttlSeconds: 0 });
    expect(rows(m)).toEqual(['fspbx-phones home.dyn.example']);
    const other = m.add(
      LISTS,
      [
        ['list', 'fspbx-trunks'],
        ['address', 'sip.carrier.example'],
      ],
      admin,
    );
    await dns.answer({ addresses: ['198.51.100.10'], ttlSeconds: 300 });
    expect(rows(m)).toContain('D fspbx-trunks 198.51.100.10 ;;; sip.carrier.example');
    expect(m.remove(LISTS, other.ok ? other.value : '', admin).ok).toBe(true);
    expect(rows(m)).toEqual(['fspbx-phones home.dyn.example']);
    expect(id.ok).toBe(true);
  });

  it('follow the name when its TTL runs out: a moved address replaces the old one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const m = model();
      const dns = handResolver();
      stops.push(followDnsNames(m, dns.resolve));
      m.add(
        LISTS,
        [
          ['list', 'fspbx-trunks'],
          ['address', 'sip.carrier.example'],
        ],
        m.actor('admin')!,
      );
      await dns.answer({ addresses: ['198.51.100.10'], ttlSeconds: 60 });
      vi.advanceTimersByTime(59_000);
      expect(dns.asked).toHaveLength(1);
      vi.advanceTimersByTime(1_000);
      expect(dns.asked).toHaveLength(2);
      await dns.answer({ addresses: ['198.51.100.12'], ttlSeconds: 60 });
      expect(rows(m)).toEqual([
        'fspbx-trunks sip.carrier.example',
        'D fspbx-trunks 198.51.100.12 ;;; sip.carrier.example',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('leave addresses and ranges alone: only names are looked up', () => {
    const m = model();
    const dns = handResolver();
    stops.push(followDnsNames(m, dns.resolve));
    m.add(
      LISTS,
      [
        ['list', 'fspbx-trunks'],
        ['address', '198.51.100.0/24'],
      ],
      m.actor('admin')!,
    );
    expect(dns.asked).toEqual([]);
  });
});

describe('the lookup itself', () => {
  it("asks the lab's DNS responder over UDP and reads its A records and TTL", async () => {
    const server = createSocket('udp4');
    server.on('message', (msg, from) => {
      const out = reply(LAB_ZONE, msg);
      if (out) server.send(out, from.port, from.address);
    });
    await new Promise<void>((done) => server.bind(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const resolve = resolverAt('127.0.0.1', port);
      expect(await resolve(LAB_CARRIER_NAME)).toEqual({ addresses: ['198.51.100.10'], ttlSeconds: 300 });
      expect(await resolve('nothing.carrier.example')).toEqual({ addresses: [], ttlSeconds: 0 });
    } finally {
      server.close();
    }
  });

  it('refuses a reply to another query or a truncated one', () => {
    const header = Buffer.from([0, 7, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(parseReply(header, 8)).toBeUndefined();
    expect(parseReply(header, 7)).toBeUndefined();
    expect(parseReply(Buffer.from([0, 7]), 7)).toBeUndefined();
  });
});
