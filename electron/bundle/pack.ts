/**
 * Files in, zip bytes out (sealed and signed), and back. Import refuses
 * anything the manifest does not vouch for: changed bytes, missing or extra
 * files, odd paths, links, and entries whose sizes lie.
 */
import { createHash } from 'node:crypto';
import { strFromU8, strToU8, zipSync, type Zippable } from 'fflate';
import { z } from 'zod';
import { fail } from '../../contract/errors';
import type { ImportedFrom } from '../../contract/types';
import { BUNDLE_FORMAT, type Manifest, type ManifestEntry } from './content';
import { keyFingerprint, verifySignature, type Signer } from './signing';
import { inflateEntries, readZipDirectory } from './unzip';

export const MANIFEST = 'manifest.json';
export const LIMITS = {
  files: 200,
  /** The whole bundle, and everything in it once unpacked. */
  bytes: 64 * 1024 * 1024,
  /** Deflate cannot do better than about 1032:1; a zip that claims more is lying. */
  ratio: 1100,
  /** Wall time for inflating everything, off the main thread. */
  inflateMs: 10_000,
} as const;

const SAFE_PATH = /^[a-z0-9-]+(\/[a-z0-9.-]+)*\.(json|html|rsc|sql|sh|txt)$/;

/** A path a bundle may hold: our own names only, so nothing can climb out, link, or name a prototype. */
export function safePath(path: string): boolean {
  return SAFE_PATH.test(path) && !path.split('/').some((part) => part === '..' || part === '.' || part.startsWith('.'));
}

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

export function pack(
  files: Record<string, string>,
  meta: Omit<Manifest, 'files' | 'format'>,
  signer?: Signer,
): { zip: Uint8Array; manifest: Manifest } {
  const entries: ManifestEntry[] = [];
  const zippable: Zippable = {};
  for (const [path, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    if (!safePath(path)) throw new Error(`bundle path not allowed: ${path}`);
    const bytes = strToU8(text);
    entries.push({ path, sha256: sha256(bytes), bytes: bytes.length });
    zippable[path] = bytes;
  }
  const manifest: Manifest = { format: BUNDLE_FORMAT, ...meta, files: entries };
  zippable[MANIFEST] = strToU8(JSON.stringify(manifest, null, 2));
  // A fixed timestamp inside the zip keeps equal bundles byte-equal.
  const zip = zipSync(zippable, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') });
  return { zip: signer ? sealSigned(zip, signer) : seal(zip), manifest };
}

/*
 * The manifest vouches for each file's content, but zip headers hold bytes no
 * reader checks (times, attributes). The seal closes that gap: the archive
 * comment carries a digest of every byte before it (v1), or an Ed25519
 * signature over them with the signer's public key (v2). A v1 seal only
 * catches damage: anyone can compute one. A v2 signature says which
 * installation made the file; it says nothing about whether its contents are true.
 */
const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const SEAL_V1 = 'fspbx-nat-seal:sha256:';
const SEAL_V2 = 'fspbx-nat-seal/2:ed25519:';
const V1_LENGTH = SEAL_V1.length + 64;
/** Prefix, 44-character public key, ':', 88-character signature. */
const V2_LENGTH = SEAL_V2.length + 44 + 1 + 88;

function withComment(zip: Uint8Array, length: number): { out: Uint8Array; signed: Uint8Array } {
  const eocd = zip.length - EOCD_SIZE;
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  if (view.getUint32(eocd, true) !== EOCD_SIGNATURE || view.getUint16(eocd + 20, true) !== 0) {
    throw new Error('zip writer produced an unexpected end record');
  }
  const out = new Uint8Array(zip.length + length);
  out.set(zip);
  new DataView(out.buffer).setUint16(eocd + 20, length, true);
  return { out, signed: out.subarray(0, zip.length) };
}

/** The v1 seal: a digest anyone can recompute. Kept for reading old bundles and for tests of forgers. */
export function seal(zip: Uint8Array): Uint8Array {
  const { out, signed } = withComment(zip, V1_LENGTH);
  out.set(strToU8(`${SEAL_V1}${sha256(signed)}`), signed.length);
  return out;
}

export function sealSigned(zip: Uint8Array, signer: Signer): Uint8Array {
  const { out, signed } = withComment(zip, V2_LENGTH);
  const comment = `${SEAL_V2}${signer.publicKey}:${signer.sign(signed)}`;
  if (comment.length !== V2_LENGTH) throw new Error('unexpected signature length');
  out.set(strToU8(comment), signed.length);
  return out;
}

/**
 * Base64 text that is the one spelling of its bytes. The last character before '=' padding carries
 * bits the decoder ignores: without this check a changed byte there would decode to the same key or
 * signature, and a bundle with a byte changed would still read as sealed.
 */
function canonicalBase64(text: string): boolean {
  return Buffer.from(text, 'base64').toString('base64') === text;
}

/** Which seal holds over the whole file, and who signed it; undefined when none holds. */
function readSeal(zip: Uint8Array, ourKey: string | undefined): { end: number; from: ImportedFrom } | undefined {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (const length of [V2_LENGTH, V1_LENGTH]) {
    const start = zip.length - length;
    const eocd = start - EOCD_SIZE;
    if (eocd < 0) continue;
    if (view.getUint32(eocd, true) !== EOCD_SIGNATURE || view.getUint16(eocd + 20, true) !== length) continue;
    const comment = strFromU8(zip.subarray(start));
    const body = zip.subarray(0, start);
    if (length === V1_LENGTH && comment === `${SEAL_V1}${sha256(body)}`) {
      return { end: eocd, from: { signature: 'unsigned' } };
    }
    const m = /^fspbx-nat-seal\/2:ed25519:([A-Za-z0-9+/]{43}=):([A-Za-z0-9+/]{86}==)$/.exec(comment);
    if (
      length === V2_LENGTH &&
      m &&
      canonicalBase64(m[1]!) &&
      canonicalBase64(m[2]!) &&
      verifySignature(m[1]!, body, m[2]!)
    ) {
      const key = keyFingerprint(m[1]!);
      const signature = m[1] === ourKey ? 'this-installation' : 'other-installation';
      return { end: eocd, from: { signature, key, publicKey: m[1]! } };
    }
    return undefined;
  }
  return undefined;
}

const refuse = (detail: string) =>
  fail('invalid_input', 'This bundle has been changed or damaged since it was exported; it was not imported.', detail);

const manifestSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  app: z.strictObject({ name: z.string().max(200), version: z.string().max(100) }),
  createdAt: z.string().max(64),
  runId: z.string().max(64),
  siteId: z.string().max(64),
  files: z
    .array(
      z.strictObject({
        path: z.string().max(256),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        bytes: z.number().int().min(0).max(LIMITS.bytes),
      }),
    )
    .max(LIMITS.files),
});

export interface Unpacked {
  manifest: Manifest;
  files: Map<string, string>;
  from: ImportedFrom;
}

/**
 * Checks the seal, then the zip's directory (sizes, ratios, names, links)
 * before a byte is inflated, then inflates in a worker with every entry held
 * to its declared size and the whole to a time limit.
 */
export async function unpack(zip: Uint8Array, ourKey?: string): Promise<Unpacked> {
  if (zip.length > LIMITS.bytes) return refuse(`bundle is ${zip.length} bytes`);
  const sealed = readSeal(zip, ourKey);
  if (!sealed) return refuse('the seal over the whole file does not match');
  const directory = readZipDirectory(zip, sealed.end, LIMITS);
  if (!directory.ok) return refuse(directory.reason);
  for (const entry of directory.entries) {
    if (entry.name !== MANIFEST && !safePath(entry.name))
      return refuse(`path not allowed: ${JSON.stringify(entry.name)}`);
  }
  const inflated = await inflateEntries(zip, directory.entries, LIMITS.inflateMs);
  if (!inflated.ok) return refuse(inflated.reason);
  const raw = new Map(directory.entries.map((e, i) => [e.name, inflated.data[i]!]));

  const manifestBytes = raw.get(MANIFEST);
  if (!manifestBytes) return refuse('no manifest.json');
  let json: unknown;
  try {
    json = JSON.parse(strFromU8(manifestBytes));
  } catch {
    return refuse('manifest.json is not JSON');
  }
  // Outside the try: refuse() throws, and a catch around it would call every bad manifest "not JSON".
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    // zod's message names the rule broken, not where: the path (files.0.sha256) says which field.
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return refuse(`manifest.json: ${where}${issue?.message ?? 'not a manifest'}`);
  }
  const manifest: Manifest = parsed.data;
  const listed = new Set(manifest.files.map((f) => f.path));
  if (listed.size !== manifest.files.length) return refuse('the manifest lists a file twice');
  for (const path of raw.keys()) {
    if (path !== MANIFEST && !listed.has(path)) return refuse(`file not in the manifest: ${path}`);
  }
  const files = new Map<string, string>();
  for (const entry of manifest.files) {
    const bytes = raw.get(entry.path);
    if (!bytes || !safePath(entry.path)) return refuse(`missing or unsafe file: ${entry.path}`);
    if (bytes.length !== entry.bytes || sha256(bytes) !== entry.sha256)
      return refuse(`checksum mismatch: ${entry.path}`);
    files.set(entry.path, strFromU8(bytes));
  }
  return { manifest, files, from: sealed.from };
}
