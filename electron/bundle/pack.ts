/**
 * Files in, zip bytes out, and back, with a SHA-256 manifest. Pure apart from
 * the clock it is given. Import refuses anything the manifest does not vouch
 * for: changed bytes, missing or extra files, odd paths, oversized content.
 */
import { createHash } from 'node:crypto';
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { fail } from '../../contract/errors';
import { BUNDLE_FORMAT, type Manifest, type ManifestEntry } from './content';

export const MANIFEST = 'manifest.json';
export const LIMITS = { files: 200, bytes: 64 * 1024 * 1024 } as const;

const SAFE_PATH = /^[a-z0-9-]+(\/[a-z0-9.-]+)*\.(json|html|rsc|sql|sh|txt)$/;

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

export function pack(
  files: Record<string, string>,
  meta: Omit<Manifest, 'files' | 'format'>,
): { zip: Uint8Array; manifest: Manifest } {
  const entries: ManifestEntry[] = [];
  const zippable: Zippable = {};
  for (const [path, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    if (!SAFE_PATH.test(path)) throw new Error(`bundle path not allowed: ${path}`);
    const bytes = strToU8(text);
    entries.push({ path, sha256: sha256(bytes), bytes: bytes.length });
    zippable[path] = bytes;
  }
  const manifest: Manifest = { format: BUNDLE_FORMAT, ...meta, files: entries };
  zippable[MANIFEST] = strToU8(JSON.stringify(manifest, null, 2));
  // A fixed timestamp inside the zip keeps equal bundles byte-equal.
  return { zip: seal(zipSync(zippable, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') })), manifest };
}

/*
 * The manifest vouches for each file's content, but zip headers hold bytes no
 * reader checks (times, attributes). The seal closes that gap: the archive
 * comment carries the SHA-256 of every byte before it, so any changed byte
 * anywhere in the file is refused.
 */
const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const SEAL_PREFIX = 'fspbx-nat-seal:sha256:';

export function seal(zip: Uint8Array): Uint8Array {
  const eocd = zip.length - EOCD_SIZE;
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  if (view.getUint32(eocd, true) !== EOCD_SIGNATURE || view.getUint16(eocd + 20, true) !== 0) {
    throw new Error('zip writer produced an unexpected end record');
  }
  const comment = strToU8(`${SEAL_PREFIX}${'0'.repeat(64)}`);
  const out = new Uint8Array(zip.length + comment.length);
  out.set(zip);
  new DataView(out.buffer).setUint16(eocd + 20, comment.length, true);
  const digest = sha256(out.subarray(0, zip.length));
  out.set(strToU8(`${SEAL_PREFIX}${digest}`), zip.length);
  return out;
}

function sealHolds(zip: Uint8Array): boolean {
  const commentLength = SEAL_PREFIX.length + 64;
  const start = zip.length - commentLength;
  const eocd = start - EOCD_SIZE;
  if (eocd < 0) return false;
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  if (view.getUint32(eocd, true) !== EOCD_SIGNATURE || view.getUint16(eocd + 20, true) !== commentLength) return false;
  return strFromU8(zip.subarray(start)) === `${SEAL_PREFIX}${sha256(zip.subarray(0, start))}`;
}

const refuse = (detail: string) =>
  fail('invalid_input', 'This bundle has been changed or damaged since it was exported; it was not imported.', detail);

export function unpack(zip: Uint8Array): { manifest: Manifest; files: Record<string, string> } {
  if (zip.length > LIMITS.bytes) return refuse(`bundle is ${zip.length} bytes`);
  if (!sealHolds(zip)) return refuse('the seal over the whole file does not match');
  let raw: Record<string, Uint8Array>;
  let total = 0;
  let count = 0;
  try {
    raw = unzipSync(zip, {
      filter: (file) => {
        count += 1;
        total += file.originalSize;
        if (count > LIMITS.files || total > LIMITS.bytes) throw new Error('bundle too large once unpacked');
        return true;
      },
    });
  } catch (caught) {
    return refuse(`not a readable zip: ${(caught as Error).message}`);
  }
  const manifestBytes = raw[MANIFEST];
  if (!manifestBytes) return refuse('no manifest.json');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(strFromU8(manifestBytes)) as Manifest;
  } catch {
    return refuse('manifest.json is not JSON');
  }
  if (manifest.format !== BUNDLE_FORMAT || !Array.isArray(manifest.files)) {
    return refuse(`unknown bundle format ${String(manifest.format)}`);
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const path of Object.keys(raw)) {
    if (path !== MANIFEST && !listed.has(path)) return refuse(`file not in the manifest: ${path}`);
  }
  const files: Record<string, string> = {};
  for (const entry of manifest.files) {
    const bytes = raw[entry.path];
    if (!bytes || !SAFE_PATH.test(entry.path)) return refuse(`missing or unsafe file: ${entry.path}`);
    if (bytes.length !== entry.bytes || sha256(bytes) !== entry.sha256)
      return refuse(`checksum mismatch: ${entry.path}`);
    files[entry.path] = strFromU8(bytes);
  }
  return { manifest, files };
}
