/**
 * Address-list entries given as DNS names, as RouterOS keeps them:
 * - The `address` of an entry may be a DNS name: "address (DNS Name | IP address/netmask | IP-IP)"
 *   (https://help.mikrotik.com/docs/display/ROS/Address-lists, Properties; the CLI reference says
 *   "A single IP address or range of IPs to add to the address list, or a DNS name",
 *   https://manual.mikrotik.com/docs/cli-reference/ip/firewall/address-list). values.ts checks it.
 * - The static entry keeps the name; RouterOS adds one dynamic entry per resolved address in the
 *   same list, its comment the name, refreshes them as DNS changes, and removing the static entry
 *   removes them (observed on RouterOS 7.21.5 and printed in
 *   https://github.com/jeff-nasseri/mikrotik-mcp/pull/149: `1 D cdn 1.0.0.1 dynamic=yes ;;; one.one.one.one`).
 * - Names are resolved by the router's own resolver, `/ip dns` servers, whose cache respects the
 *   records' TTL ("Shorter TTL received from DNS servers are respected",
 *   https://help.mikrotik.com/docs/display/ROS/DNS): the lab refreshes a name when its TTL runs out.
 * The lab's resolver is test/lab/dns.ts at the ISP (SITE.isp.trunk); never the host's resolver.
 * Not modelled (no public text found): how soon RouterOS retries a name that did not resolve (the
 * lab retries after RETRY_MS) and whether a disabled static entry keeps its dynamic ones (the lab
 * drops them, as the name then lets nothing in).
 */
import { createSocket } from 'node:dgram';
import type { RouterModel, StoredItem } from './router';

const ADDRESS_LIST = '/ip/firewall/address-list';
const RETRY_MS = 10_000;
const QUERY_TIMEOUT_MS = 2_000;
/** A name's answer lives at least this long in the lab, so a zero TTL cannot spin. */
const MIN_TTL_MS = 1_000;

export interface Answer {
  addresses: string[];
  ttlSeconds: number;
}
export type Resolve = (name: string) => Promise<Answer | undefined>;

const isAddress = (text: string): boolean => /^[\d./-]+$/.test(text);

/** An RFC 1035 §4.1 query for one A record, recursion desired. */
function query(id: number, name: string): Buffer {
  const header = Buffer.from([id >> 8, id & 255, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')]));
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

/** Skips a (possibly compressed) name, RFC 1035 §4.1.4; undefined when it runs off the message. */
function skipName(msg: Buffer, at: number): number | undefined {
  for (let hops = 0; hops < 128 && at < msg.length; hops += 1) {
    const len = msg[at]!;
    if (len === 0) return at + 1;
    if ((len & 0xc0) === 0xc0) return at + 2;
    at += 1 + len;
  }
  return undefined;
}

/** The A records of a reply (RFC 1035 §4.1.3, §3.4.1) and their smallest TTL; undefined for a reply that is not one. */
export function parseReply(msg: Buffer, id: number): Answer | undefined {
  if (msg.length < 12 || msg.readUInt16BE(0) !== id || (msg[2]! & 0x80) === 0) return undefined;
  const rcode = msg[3]! & 0x0f;
  if (rcode !== 0) return { addresses: [], ttlSeconds: 0 };
  let at = 12;
  for (let q = 0; q < msg.readUInt16BE(4); q += 1) {
    const end = skipName(msg, at);
    if (end === undefined) return undefined;
    at = end + 4;
  }
  const addresses: string[] = [];
  let ttl = Infinity;
  for (let a = 0; a < msg.readUInt16BE(6); a += 1) {
    const end = skipName(msg, at);
    if (end === undefined || end + 10 > msg.length) return undefined;
    const type = msg.readUInt16BE(end);
    const length = msg.readUInt16BE(end + 8);
    const rdata = end + 10;
    if (rdata + length > msg.length) return undefined;
    if (type === 1 && length === 4) {
      addresses.push([...msg.subarray(rdata, rdata + 4)].join('.'));
      ttl = Math.min(ttl, msg.readUInt32BE(end + 4));
    }
    at = rdata + length;
  }
  return { addresses: [...new Set(addresses)], ttlSeconds: Number.isFinite(ttl) ? ttl : 0 };
}

/** Asks `server` (UDP 53) for a name's A records, once, bounded by QUERY_TIMEOUT_MS. */
export function resolverAt(server: string, port = 53): Resolve {
  let next = 1;
  return (name) =>
    new Promise((resolve) => {
      const id = (next = (next % 0xffff) + 1);
      const socket = createSocket('udp4');
      const finish = (answer: Answer | undefined) => {
        clearTimeout(timer);
        socket.close();
        resolve(answer);
      };
      const timer = setTimeout(() => finish(undefined), QUERY_TIMEOUT_MS);
      socket.on('error', () => finish(undefined));
      socket.on('message', (msg) => {
        const answer = parseReply(msg, id);
        if (answer) finish(answer);
      });
      socket.send(query(id, name), port, server);
    });
}

/** The names the static, enabled entries give, by list: what should have dynamic entries. */
function wantedNames(model: RouterModel): Map<string, { list: string; name: string }> {
  const out = new Map<string, { list: string; name: string }>();
  for (const item of model.items(ADDRESS_LIST)) {
    const { list, address, dynamic, disabled } = item.fields;
    if (dynamic === 'true' || disabled === 'true' || !list || !address || isAddress(address)) continue;
    out.set(`${list}\n${address.toLowerCase()}`, { list, name: address.toLowerCase() });
  }
  return out;
}

/**
 * Keeps one dynamic entry per resolved address for every static entry that names a host, and drops
 * them when the name goes. Returns a stop function (clears every timer).
 */
export function followDnsNames(model: RouterModel, resolve: Resolve): () => void {
  /** `list\nname` → the addresses last resolved, and the timer that refreshes them. */
  const known = new Map<string, { addresses: string[]; timer?: ReturnType<typeof setTimeout> }>();
  let stopped = false;
  let syncing = false;

  const children = (list: string, name: string): StoredItem[] =>
    model
      .items(ADDRESS_LIST)
      .filter((i) => i.fields.dynamic === 'true' && i.fields.list === list && i.fields.comment === name);

  const place = (list: string, name: string, addresses: readonly string[]) => {
    syncing = true;
    try {
      const stale = (f: Readonly<Record<string, string>>) =>
        f.list === list && f.comment === name && !addresses.includes(f.address ?? '');
      model.removeDynamic(ADDRESS_LIST, stale);
      const have = new Set(children(list, name).map((i) => i.fields.address));
      for (const address of addresses) {
        // Printed after the static entries, as in the PR's print (`0 cdn one.one.one.one`, `1 D cdn 1.0.0.1`).
        if (!have.has(address)) {
          model.addFixedRow(ADDRESS_LIST, { list, address, comment: name, disabled: 'false', dynamic: 'true' });
        }
      }
    } finally {
      syncing = false;
    }
  };

  const lookUp = (key: string, list: string, name: string) => {
    void resolve(name).then((answer) => {
      const entry = known.get(key);
      if (stopped || !entry) return;
      entry.addresses = answer?.addresses ?? [];
      place(list, name, entry.addresses);
      const wait = answer && answer.addresses.length > 0 ? Math.max(answer.ttlSeconds * 1000, MIN_TTL_MS) : RETRY_MS;
      entry.timer = setTimeout(() => lookUp(key, list, name), wait);
      entry.timer.unref?.();
    });
  };

  const sync = () => {
    if (syncing || stopped) return;
    const wanted = wantedNames(model);
    for (const [key, entry] of known) {
      if (wanted.has(key)) continue;
      clearTimeout(entry.timer);
      known.delete(key);
      const [list, name] = key.split('\n') as [string, string];
      place(list, name, []);
    }
    for (const [key, { list, name }] of wanted) {
      if (known.has(key)) continue;
      known.set(key, { addresses: [] });
      lookUp(key, list, name);
    }
  };

  model.onChange((path) => {
    if (path === ADDRESS_LIST) sync();
  });
  sync();
  return () => {
    stopped = true;
    for (const entry of known.values()) clearTimeout(entry.timer);
    known.clear();
  };
}
