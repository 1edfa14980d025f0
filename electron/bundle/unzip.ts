/**
 * A zip reader for untrusted bundles. The central directory is read and
 * checked first (counts, declared sizes, ratios, overlaps, names, links,
 * encryption) without inflating anything; then a worker thread inflates each
 * entry holding it to its declared size (zlib's maxOutputLength), under a
 * memory limit and a deadline. The main process never inflates a byte.
 */
import { Worker } from 'node:worker_threads';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  /** Where the entry's data starts and how long it is, in the zip. */
  start: number;
  compressedSize: number;
  /** What the central directory declares the entry inflates to. */
  size: number;
}

export interface ZipLimits {
  files: number;
  bytes: number;
  ratio: number;
}

type Checked<T> = ({ ok: true } & T) | { ok: false; reason: string };

const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const UNIX = 3;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/** The entries of a zip whose end record starts at `eocd`, or why they cannot be trusted. */
export function readZipDirectory(zip: Uint8Array, eocd: number, limits: ZipLimits): Checked<{ entries: ZipEntry[] }> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const bad = (reason: string): Checked<never> => ({ ok: false, reason });
  const disk = view.getUint16(eocd + 4, true);
  const cdDisk = view.getUint16(eocd + 6, true);
  const onDisk = view.getUint16(eocd + 8, true);
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) return bad('a multi-part zip');
  if (count === 0xffff || cdOffset === 0xffffffff) return bad('a zip64 archive');
  if (count > limits.files) return bad(`${count} entries (at most ${limits.files})`);
  if (cdOffset + cdSize !== eocd) return bad('the central directory is not where the end record says');

  const decoder = new TextDecoder('utf-8', { fatal: true });
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let total = 0;
  let at = cdOffset;
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > eocd || view.getUint32(at, true) !== CENTRAL) return bad(`central entry ${i} is damaged`);
    const madeBy = view.getUint16(at + 4, true);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const external = view.getUint32(at + 38, true);
    const local = view.getUint32(at + 42, true);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > eocd) return bad(`central entry ${i} runs past the directory`);
    let name: string;
    try {
      name = decoder.decode(zip.subarray(at + 46, at + 46 + nameLength));
    } catch {
      return bad(`entry ${i} has a name that is not UTF-8`);
    }
    const shown = JSON.stringify(name);
    if (flags & 0x1) return bad(`${shown} is encrypted`);
    if (method !== 0 && method !== 8) return bad(`${shown} uses compression method ${method}`);
    if (madeBy >>> 8 === UNIX) {
      const type = (external >>> 16) & S_IFMT;
      if (type !== 0 && type !== S_IFREG) return bad(`${shown} is a link or a special file, not a plain file`);
    }
    if (name.endsWith('/') || external & 0x10) return bad(`${shown} is a folder`);
    if (names.has(name)) return bad(`${shown} appears twice`);
    names.add(name);
    if (size > limits.bytes || (total += size) > limits.bytes) return bad('too large once unpacked');
    if (method === 0 && size !== compressedSize) return bad(`${shown} is stored but its two sizes differ`);
    if (method === 8 && size > compressedSize * limits.ratio + 1024) {
      return bad(`${shown} claims a compression ratio no zip reaches`);
    }
    // The local header must agree with the directory: a reader that trusts either one sees the same file.
    if (local + 30 > cdOffset || view.getUint32(local, true) !== LOCAL) return bad(`${shown} has no local header`);
    const localNameLength = view.getUint16(local + 26, true);
    const localExtra = view.getUint16(local + 28, true);
    const localName = zip.subarray(local + 30, local + 30 + localNameLength);
    if (localNameLength !== nameLength || !localName.every((b, k) => b === zip[at + 46 + k])) {
      return bad(`${shown}: the local header names another file`);
    }
    const start = local + 30 + localNameLength + localExtra;
    if (start + compressedSize > cdOffset) return bad(`${shown} runs past the data area`);
    entries.push({ name, method, start, compressedSize, size });
    at = next;
  }
  if (at !== eocd) return bad('bytes after the central directory');
  const spans = [...entries].sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i += 1) {
    if (spans[i]!.start < spans[i - 1]!.start + spans[i - 1]!.compressedSize) return bad('two entries overlap');
  }
  return { ok: true, entries };
}

/*
 * The worker: plain CommonJS with Node built-ins only, so it runs the same
 * from the bundled app, the CLI and the tests. Each entry is inflated with
 * maxOutputLength = its declared size: zlib stops at the first chunk past it.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { inflateRawSync } = require('node:zlib');
const { zip, entries } = workerData;
try {
  const out = entries.map((e) => {
    const data = zip.subarray(e.start, e.start + e.compressedSize);
    const bytes = e.method === 0 ? data : inflateRawSync(data, { maxOutputLength: Math.max(e.size, 1) });
    if (bytes.length !== e.size) throw new Error(JSON.stringify(e.name) + ' inflates to another size than declared');
    return new Uint8Array(bytes);
  });
  parentPort.postMessage({ ok: true, out });
} catch (caught) {
  const lie = caught && caught.code === 'ERR_BUFFER_TOO_LARGE';
  parentPort.postMessage({ ok: false, reason: lie ? 'an entry inflates past its declared size' : String(caught && caught.message) });
}
`;

export function inflateEntries(
  zip: Uint8Array,
  entries: readonly ZipEntry[],
  deadlineMs: number,
): Promise<Checked<{ data: Uint8Array[] }>> {
  const declared = entries.reduce((sum, e) => sum + e.size, 0);
  return new Promise((resolve) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { zip, entries },
      // Room for the zip, its declared content and zlib's buffers; a lie is stopped long before.
      resourceLimits: { maxOldGenerationSizeMb: 64 + Math.ceil((declared + zip.length) / 2 ** 20) * 2 },
    });
    let settled = false;
    const finish = (result: Checked<{ data: Uint8Array[] }>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ok: false, reason: `inflating took longer than ${deadlineMs} ms` }),
      deadlineMs,
    );
    worker.once('message', (message: { ok: true; out: Uint8Array[] } | { ok: false; reason: string }) =>
      finish(message.ok ? { ok: true, data: message.out } : { ok: false, reason: message.reason }),
    );
    worker.once('error', (caught) => finish({ ok: false, reason: `the inflater stopped: ${caught.message}` }));
    worker.once('exit', (code) => finish({ ok: false, reason: `the inflater exited (${code})` }));
  });
}
