/**
 * The zip reader for untrusted bundles (bundle/unzip.ts), on zips written byte by byte here from
 * PKWARE's APPNOTE.TXT (4.3.7 local file header, 4.3.12 central directory header, 4.3.16 end of
 * central directory record), not by a zip library: each refusal is met by the one lie it names,
 * and a good zip is inflated in the worker to exactly what was packed.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateEntries, readZipDirectory, type ZipLimits } from '../../../electron/bundle/unzip';

interface Entry {
  name: string | Uint8Array;
  data: Uint8Array;
  method?: 0 | 8 | number;
  /** Fields to write as given instead of as computed. */
  flags?: number;
  size?: number;
  compressedSize?: number;
  madeBy?: number;
  external?: number;
  localName?: string;
  localOffset?: number;
  /** Extra-field bytes in the local header, in the central header, and a comment there. */
  localExtra?: number;
  centralExtra?: number;
  comment?: number;
  /** Only a central header: its local header is somewhere else (see `localOffset`). */
  noLocal?: boolean;
}

interface Zip {
  bytes: Uint8Array;
  eocd: number;
}

const LIMITS: ZipLimits = { files: 16, bytes: 1024 * 1024, ratio: 100 };
const text = (s: string) => new TextEncoder().encode(s);

/** A zip as APPNOTE lays it out; `end` overrides fields of the end record, `tail` adds bytes after the directory. */
function zip(
  entries: Entry[],
  end: Partial<Record<'disk' | 'cdDisk' | 'onDisk' | 'count' | 'cdOffset', number>> = {},
  tail = 0,
  /** The order the central directory lists the entries in (default: the order of their data). */
  centralOrder?: number[],
): Zip {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === 'string' ? text(e.name) : e.name;
    const method = e.method ?? 8;
    const stored = method === 8 ? new Uint8Array(deflateRawSync(e.data)) : e.data;
    const localName = e.localName === undefined ? name : text(e.localName);
    const at = offset;
    if (!e.noLocal) {
      const local = localPart(localName, stored, e.data.length, method, e.localExtra ?? 0);
      parts.push(local);
      offset += local.length;
    }
    const c = new DataView(new ArrayBuffer(46));
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, e.madeBy ?? 0x0314, true);
    c.setUint16(8, e.flags ?? 0, true);
    c.setUint16(10, method, true);
    c.setUint32(20, e.compressedSize ?? stored.length, true);
    c.setUint32(24, e.size ?? e.data.length, true);
    c.setUint16(28, name.length, true);
    c.setUint16(30, e.centralExtra ?? 0, true);
    c.setUint16(32, e.comment ?? 0, true);
    c.setUint32(38, e.external ?? 0o100644 * 0x10000, true);
    c.setUint32(42, e.localOffset ?? at, true);
    central.push(
      concat([new Uint8Array(c.buffer), name, new Uint8Array((e.centralExtra ?? 0) + (e.comment ?? 0)).fill(0x20)]),
    );
  }
  if (centralOrder) central.splice(0, central.length, ...centralOrder.map((i) => central[i]!));
  const cdOffset = offset;
  const cdSize = central.reduce((n, p) => n + p.length, 0);
  const padding = new Uint8Array(tail);
  const eocd = new DataView(new ArrayBuffer(22));
  eocd.setUint32(0, 0x06054b50, true);
  eocd.setUint16(4, end.disk ?? 0, true);
  eocd.setUint16(6, end.cdDisk ?? 0, true);
  eocd.setUint16(8, end.onDisk ?? entries.length, true);
  eocd.setUint16(10, end.count ?? entries.length, true);
  eocd.setUint32(12, cdSize + tail, true);
  eocd.setUint32(16, end.cdOffset ?? cdOffset, true);
  const all = [...parts, ...central, padding, new Uint8Array(eocd.buffer)];
  const bytes = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, eocd: bytes.length - 22 };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A local file header (APPNOTE 4.3.7) with its name, extra field and data. */
function localPart(name: Uint8Array, stored: Uint8Array, size: number, method: number, extra: number): Uint8Array {
  const header = new DataView(new ArrayBuffer(30));
  header.setUint32(0, 0x04034b50, true);
  header.setUint16(8, method, true);
  header.setUint32(18, stored.length, true);
  header.setUint32(22, size, true);
  header.setUint16(26, name.length, true);
  header.setUint16(28, extra, true);
  const out = new Uint8Array(30 + name.length + extra + stored.length);
  out.set(new Uint8Array(header.buffer), 0);
  out.set(name, 30);
  out.set(stored, 30 + name.length + extra);
  return out;
}

const read = (z: Zip, limits = LIMITS) => readZipDirectory(z.bytes, z.eocd, limits);
const why = (z: Zip, limits = LIMITS) => {
  const r = read(z, limits);
  return r.ok ? 'accepted' : r.reason;
};
const file = (name: string, content = `content of ${name}\n`.repeat(4)): Entry => ({ name, data: text(content) });

describe('a zip the reader accepts', () => {
  it('lists each plain file with its method, place and sizes, stored or deflated', () => {
    const z = zip([file('run.json'), { ...file('plan.json'), method: 0 }]);
    const r = read(z);
    if (!r.ok) throw new Error(r.reason);
    const sizes = [file('run.json').data.length, file('plan.json').data.length];
    expect(r.entries.map((e) => [e.name, e.method, e.size])).toEqual([
      ['run.json', 8, sizes[0]],
      ['plan.json', 0, sizes[1]],
    ]);
    expect(r.entries[0]!.start).toBe(30 + 'run.json'.length);
    // A stored entry's data is its content, right after its local header.
    expect(r.entries[1]!.compressedSize).toBe(sizes[1]);
    const plan = r.entries[1]!;
    expect(new TextDecoder().decode(z.bytes.subarray(plan.start, plan.start + plan.compressedSize))).toBe(
      new TextDecoder().decode(file('plan.json').data),
    );
  });

  it('inflates every entry to exactly the bytes packed', async () => {
    const entries = [
      file('run.json'),
      { ...file('plan.json'), method: 0 },
      { name: 'empty.txt', data: new Uint8Array() },
    ];
    const z = zip(entries);
    const r = read(z);
    if (!r.ok) throw new Error(r.reason);
    const out = await inflateEntries(z.bytes, r.entries, 10_000);
    if (!out.ok) throw new Error(out.reason);
    expect(out.data.map((d) => new TextDecoder().decode(d))).toEqual(
      entries.map((e) => new TextDecoder().decode(e.data)),
    );
  });

  it('lists entries in the directory’s order, whatever the order of their data', () => {
    const z = zip([file('first.json'), file('second.json'), file('third.json')], {}, 0, [2, 0, 1]);
    const r = read(z);
    if (!r.ok) throw new Error(r.reason);
    expect(r.entries.map((e) => e.name)).toEqual(['third.json', 'first.json', 'second.json']);
    expect(r.entries[1]!.start).toBe(30 + 'first.json'.length);
  });

  it('steps over extra fields and comments, in the local and the central headers', async () => {
    const entries = [
      { ...file('run.json'), localExtra: 9, centralExtra: 5, comment: 7 },
      { ...file('plan.json'), method: 0, localExtra: 300, comment: 260 },
    ];
    const z = zip(entries);
    const r = read(z);
    if (!r.ok) throw new Error(r.reason);
    expect(r.entries.map((e) => e.name)).toEqual(['run.json', 'plan.json']);
    const out = await inflateEntries(z.bytes, r.entries, 10_000);
    if (!out.ok) throw new Error(out.reason);
    expect(out.data.map((d) => new TextDecoder().decode(d))).toEqual(
      entries.map((e) => new TextDecoder().decode(e.data)),
    );
  });

  it('judges Unix mode bits only in a zip made on Unix, and takes a Unix entry without them as a plain file', () => {
    expect(why(zip([{ ...file('dos.json'), madeBy: 0x0014, external: 0o120777 * 0x10000 }]))).toBe('accepted');
    expect(why(zip([{ ...file('bare.json'), madeBy: 0x0314, external: 0 }]))).toBe('accepted');
  });

  it('reads an entry with an empty name and no data to the last byte before the directory', () => {
    // The bundle's own path check refuses such a name (pack.ts safePath); the directory reader only reads it.
    expect(why(zip([{ name: '', data: new Uint8Array(), method: 0 }]))).toBe('accepted');
  });

  it('accepts a zip made on another system (no Unix mode bits to judge) and exactly at its limits', () => {
    expect(why(zip([{ ...file('a.json'), madeBy: 0x0014, external: 0 }]))).toBe('accepted');
    const two = zip([file('a.json', 'x'.repeat(100)), file('b.json', 'y'.repeat(100))]);
    expect(why(two, { files: 2, bytes: 200, ratio: 100 })).toBe('accepted');
    expect(why(zip([file('a.json', 'x'.repeat(200))]), { files: 1, bytes: 200, ratio: 100 })).toBe('accepted');
  });
});

describe('a zip the reader refuses before inflating anything', () => {
  it('multi-part and zip64 archives', () => {
    expect(why(zip([file('a')], { disk: 1 }))).toBe('a multi-part zip');
    expect(why(zip([file('a')], { cdDisk: 1 }))).toBe('a multi-part zip');
    expect(why(zip([file('a')], { onDisk: 0 }))).toBe('a multi-part zip');
    expect(why(zip([file('a')], { onDisk: 0xffff, count: 0xffff }))).toBe('a zip64 archive');
    expect(why(zip([file('a')], { cdOffset: 0xffffffff }))).toBe('a zip64 archive');
  });

  it('more entries than allowed, or more bytes once unpacked, in one entry or in all', () => {
    expect(why(zip([file('a'), file('b'), file('c')]), { ...LIMITS, files: 2 })).toBe('3 entries (at most 2)');
    expect(why(zip([file('a', 'x'.repeat(201))]), { ...LIMITS, bytes: 200 })).toBe('too large once unpacked');
    expect(why(zip([file('a', 'x'.repeat(150)), file('b', 'x'.repeat(51))]), { ...LIMITS, bytes: 200 })).toBe(
      'too large once unpacked',
    );
  });

  it('a directory that is not where the end record says, or bytes after it', () => {
    const z = zip([file('a')]);
    const moved = new DataView(z.bytes.buffer.slice(0));
    moved.setUint32(z.eocd + 16, moved.getUint32(z.eocd + 16, true) - 1, true);
    expect(why({ bytes: new Uint8Array(moved.buffer), eocd: z.eocd })).toBe(
      'the central directory is not where the end record says',
    );
    expect(why(zip([file('a')], {}, 4))).toBe('bytes after the central directory');
  });

  it('a damaged central entry, or one that runs past the directory', () => {
    const z = zip([file('a')]);
    const cd = new DataView(z.bytes.buffer).getUint32(z.eocd + 16, true);
    const broken = z.bytes.slice();
    broken[cd] = 0;
    expect(why({ bytes: broken, eocd: z.eocd })).toBe('central entry 0 is damaged');
    const long = z.bytes.slice();
    new DataView(long.buffer).setUint16(cd + 28, 200, true);
    expect(why({ bytes: long, eocd: z.eocd })).toBe('central entry 0 runs past the directory');
    expect(why(zip([file('a')], { onDisk: 2, count: 2 }))).toBe('central entry 1 is damaged');
  });

  it('names that are not UTF-8, encrypted entries, other compression methods', () => {
    expect(why(zip([{ name: new Uint8Array([0x61, 0xff]), data: text('x') }]))).toBe(
      'entry 0 has a name that is not UTF-8',
    );
    expect(why(zip([{ ...file('secret.json'), flags: 1 }]))).toBe('"secret.json" is encrypted');
    expect(why(zip([{ ...file('a.bz2'), method: 12 }]))).toBe('"a.bz2" uses compression method 12');
  });

  it('links, special files and folders', () => {
    expect(why(zip([{ ...file('link'), external: 0o120777 * 0x10000 }]))).toBe(
      '"link" is a link or a special file, not a plain file',
    );
    expect(why(zip([{ ...file('fifo'), external: 0o010644 * 0x10000 }]))).toBe(
      '"fifo" is a link or a special file, not a plain file',
    );
    expect(why(zip([file('dir/')]))).toBe('"dir/" is a folder');
    expect(why(zip([{ ...file('dos-dir'), madeBy: 0x0014, external: 0x10 }]))).toBe('"dos-dir" is a folder');
  });

  it('the same name twice', () => {
    expect(why(zip([file('run.json'), file('run.json', 'other')]))).toBe('"run.json" appears twice');
  });

  it('sizes that lie: a stored entry with two sizes, a ratio no deflate reaches', () => {
    expect(why(zip([{ ...file('a'), method: 0, size: 10 }]))).toBe('"a" is stored but its two sizes differ');
    // 1 byte may claim up to ratio × 1 + 1024 bytes: 1124 here, no more.
    expect(why(zip([{ ...file('a', 'x'.repeat(1124)), compressedSize: 1 }]))).toBe('accepted');
    expect(why(zip([{ ...file('a', 'x'.repeat(1125)), compressedSize: 1 }]))).toBe(
      '"a" claims a compression ratio no zip reaches',
    );
  });

  it('a local header that is missing, names another file, or data that runs into the directory', () => {
    expect(why(zip([{ ...file('a'), localOffset: 3 }]))).toBe('"a" has no local header');
    expect(why(zip([file('a'), { ...file('b'), localOffset: 1_000_000 }]))).toBe('"b" has no local header');
    expect(why(zip([{ ...file('ab'), localName: 'ba' }]))).toBe('"ab": the local header names another file');
    expect(why(zip([{ ...file('ab'), localName: 'abc' }]))).toBe('"ab": the local header names another file');
    expect(why(zip([{ ...file('ab'), localName: 'ax' }]))).toBe('"ab": the local header names another file');
    expect(why(zip([{ ...file('a'), compressedSize: 10_000, size: 10_000 }]))).toBe('"a" runs past the data area');
  });

  it('two entries that share bytes: one file hidden inside another', () => {
    // "outer" is stored and holds a whole local entry for "inner"; the directory lists both.
    const innerData = text('inner content\n');
    const inner = localPart(text('inner'), innerData, innerData.length, 0, 0);
    const outerStart = 30 + 'outer'.length;
    const z = zip([
      { name: 'outer', data: inner, method: 0 },
      { name: 'inner', data: innerData, method: 0, noLocal: true, localOffset: outerStart },
    ]);
    expect(why(z)).toBe('two entries overlap');
    // Listed in the other order, the same bytes are refused the same way.
    const swapped = zip([
      { name: 'inner', data: innerData, method: 0, noLocal: true, localOffset: outerStart },
      { name: 'outer', data: inner, method: 0, localOffset: 0 },
    ]);
    expect(why(swapped)).toBe('two entries overlap');
  });
});

describe('inflating', () => {
  it('stops an entry that inflates past the size its directory declares', async () => {
    const z = zip([{ ...file('a', 'x'.repeat(5000)), size: 100 }]);
    const r = read(z);
    if (!r.ok) throw new Error(r.reason);
    expect(await inflateEntries(z.bytes, r.entries, 10_000)).toEqual({
      ok: false,
      reason: 'an entry inflates past its declared size',
    });
  });

  it('refuses an entry that inflates to less than declared', async () => {
    const z = zip([{ ...file('a', 'x'.repeat(50)), size: 100 }]);
    const r = read(z);
    if (!r.ok) throw new Error(r.reason);
    expect(await inflateEntries(z.bytes, r.entries, 10_000)).toEqual({
      ok: false,
      reason: '"a" inflates to another size than declared',
    });
  });

  it('gives up at its deadline, saying so', async () => {
    const z = zip([file('a')]);
    const r = read(z);
    if (!r.ok) throw new Error(r.reason);
    // A deadline of 0 ms has passed before any worker can start.
    expect(await inflateEntries(z.bytes, r.entries, 0)).toEqual({
      ok: false,
      reason: 'inflating took longer than 0 ms',
    });
  });

  it('refuses data that is not deflate, saying what zlib said', async () => {
    const z = zip([file('a')]);
    const r = read(z);
    if (!r.ok) throw new Error(r.reason);
    const garbage = z.bytes.slice();
    garbage.fill(0xff, r.entries[0]!.start, r.entries[0]!.start + r.entries[0]!.compressedSize);
    const out = await inflateEntries(garbage, r.entries, 10_000);
    expect(out.ok).toBe(false);
    expect(out.ok || out.reason).toMatch(/invalid/i);
  });
});
