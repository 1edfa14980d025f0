/**
 * Hostile zips: entries that lie about their size (a zip bomb), links,
 * climbing and prototype names. Each is refused before it costs time or
 * memory, and the main thread never inflates a byte. Zips are built by hand
 * here, byte by byte, because no honest zip writer makes them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importBundle } from '../../electron/bundle';
import { seal } from '../../electron/bundle/pack';
import { openStore, type Store } from '../../electron/store';

interface Entry {
  name: string;
  data: Uint8Array;
  /** What the central directory claims. */
  size: number;
  method?: 0 | 8;
  /** Unix mode in the external attributes (0o120777 is a symbolic link). */
  mode?: number;
}

/** A zip with exactly these headers: sizes, names and attributes as given, true or not. */
function rawZip(entries: Entry[]): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.method ?? 8, 8);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, Buffer.from(e.data));
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE((3 << 8) | 20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(e.method ?? 8, 10);
    c.writeUInt32LE(e.data.length, 20);
    c.writeUInt32LE(e.size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  // Sealed as a forger can: the seal alone says nothing about what is inside.
  return seal(new Uint8Array(Buffer.concat([...parts, cd, end])));
}

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-zip-'));
  store = openStore(join(dir, 'data'));
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function importing(zip: Uint8Array): Promise<{ error: Error; ms: number; peakMiB: number }> {
  const file = join(dir, 'bundle.zip');
  writeFileSync(file, zip);
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = performance.now();
  const error = await importBundle(store, file).then(
    () => new Error('imported'),
    (caught: Error) => caught,
  );
  const ms = performance.now() - started;
  clearInterval(sampler);
  return { error, ms, peakMiB: (Math.max(peak, process.memoryUsage().rss) - before) / 2 ** 20 };
}

describe('a hostile bundle zip', () => {
  it('whose entries lie about their size (1 MiB, 1 GiB inside) is refused in under 1 s with memory bounded', async () => {
    const chunk = deflateRawSync(Buffer.alloc(64 * 2 ** 20), { level: 9 });
    const entries = Array.from({ length: 16 }, (_, i) => ({
      name: i === 0 ? 'manifest.json' : `file-${i}.json`,
      data: chunk,
      size: 100,
    }));
    const zip = rawZip(entries);
    expect(zip.length).toBeGreaterThan(900 * 1024);
    expect(zip.length).toBeLessThan(2 * 2 ** 20);
    const { error, ms, peakMiB } = await importing(zip);
    expect(error.message).toMatch(/changed or damaged/);
    expect((error as { error?: { detail?: string } }).error?.detail).toMatch(/inflates past its declared size/);
    expect(ms).toBeLessThan(1000);
    expect(peakMiB).toBeLessThan(128);
    expect(store.listRuns()).toEqual([]);
  });

  it('that says honestly it holds more than a bundle may is refused before inflating', async () => {
    const chunk = deflateRawSync(Buffer.alloc(2 ** 20));
    const zip = rawZip([{ name: 'manifest.json', data: chunk, size: 4000 * 2 ** 20 }]);
    const { error, ms } = await importing(zip);
    expect((error as { error?: { detail?: string } }).error?.detail).toMatch(/too large once unpacked/);
    expect(ms).toBeLessThan(1000);
  });

  it('that claims a ratio no deflate reaches is refused before inflating', async () => {
    const zip = rawZip([{ name: 'manifest.json', data: deflateRawSync(Buffer.from('{}')), size: 50 * 2 ** 20 }]);
    const { error } = await importing(zip);
    expect((error as { error?: { detail?: string } }).error?.detail).toMatch(/compression ratio/);
  });

  it.each([
    ['a symbolic link', { name: 'report.html', mode: 0o120777 }, /link or a special file/],
    ['a climbing path', { name: '../../.bashrc.sh' }, /path not allowed/],
    ['a prototype name', { name: '__proto__' }, /path not allowed/],
    ['an absolute path', { name: '/etc/cron.d/x.sh' }, /path not allowed/],
    ['a folder', { name: 'router/' }, /is a folder/],
  ])('with %s is refused', async (_what, entry, detail) => {
    const data = Buffer.from('x');
    const zip = rawZip([
      { name: 'manifest.json', data: Buffer.from('{}'), size: 2, method: 0 },
      { data, size: 1, method: 0, ...entry },
    ]);
    const { error } = await importing(zip);
    expect(error.message).toMatch(/changed or damaged/);
    expect((error as { error?: { detail?: string } }).error?.detail).toMatch(detail);
  });

  it('with a manifest that names a prototype or climbing path is refused', async () => {
    for (const path of ['__proto__', '../x.json', 'a/../b.json', 'constructor']) {
      const manifest = Buffer.from(
        JSON.stringify({
          format: 'fspbx-nat-bundle/1',
          app: { name: 'x', version: '1' },
          createdAt: 'now',
          runId: 'r',
          siteId: 's',
          files: [{ path, sha256: '0'.repeat(64), bytes: 0 }],
        }),
      );
      const { error } = await importing(
        rawZip([{ name: 'manifest.json', data: manifest, size: manifest.length, method: 0 }]),
      );
      expect((error as { error?: { detail?: string } }).error?.detail, path).toMatch(/missing or unsafe file/);
    }
  });
});
