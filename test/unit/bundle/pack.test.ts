/**
 * Bundle files to sealed zip bytes and back, in memory: who signed it (this installation,
 * another, nobody), what the seal covers, and each refusal with its reason. The signed form is
 * what the product writes; the v1 seal is only read (old bundles) and used here as a forger would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Failure } from '../../../contract/errors';
import { LIMITS, MANIFEST, pack, safePath, seal, sealSigned, sha256, unpack } from '../../../electron/bundle/pack';
import { installationSigner, type Signer } from '../../../electron/bundle/signing';

let dir: string;
let ours: Signer;
let theirs: Signer;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-pack-'));
  ours = installationSigner(join(dir, 'ours'));
  theirs = installationSigner(join(dir, 'theirs'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const FILES = {
  'run.json': '{"runId":"r1"}\n',
  'plan.json': '{"changes":[]}\n',
  'router/apply.rsc': '/ip firewall nat\nadd chain=dstnat comment="fspbx-nat: SIP"\n',
};
const META = {
  app: { name: 'FS PBX NAT Wizard', version: '0.1.0' },
  createdAt: '2026-01-02T03:04:05.000Z',
  runId: 'r1',
  siteId: 's1',
};

async function refusal(zip: Uint8Array, key?: string): Promise<string | undefined> {
  try {
    await unpack(zip, key);
  } catch (caught) {
    if (caught instanceof Failure) {
      expect(caught.error.code).toBe('invalid_input');
      expect(caught.error.message).toBe(
        'This bundle has been changed or damaged since it was exported; it was not imported.',
      );
      return caught.error.detail;
    }
    throw caught;
  }
  return undefined;
}

describe('a signed bundle', () => {
  it('unpacks to the same files and manifest, and names the signer as this installation or another', async () => {
    const { zip, manifest } = pack(FILES, META, theirs);
    expect(manifest.files.map((f) => f.path)).toEqual(['plan.json', 'router/apply.rsc', 'run.json']);
    for (const f of manifest.files) {
      expect(f.sha256).toBe(sha256(strToU8(FILES[f.path as keyof typeof FILES])));
      expect(f.bytes).toBe(strToU8(FILES[f.path as keyof typeof FILES]).length);
    }
    const read = await unpack(zip, ours.publicKey);
    expect(Object.fromEntries(read.files)).toEqual(FILES);
    expect(read.manifest).toEqual(manifest);
    expect(read.from).toMatchObject({ signature: 'other-installation', key: theirs.fingerprint });
    expect((await unpack(zip, theirs.publicKey)).from).toMatchObject({
      signature: 'this-installation',
      key: theirs.fingerprint,
    });
    expect((await unpack(zip)).from).toMatchObject({ signature: 'other-installation' });
  });

  it('carries the signature in the zip comment: prefix, public key, signature over every byte before it', () => {
    const { zip } = pack(FILES, META, ours);
    const text = strFromU8(zip);
    const comment = text.slice(text.lastIndexOf('fspbx-nat-seal/2:'));
    expect(comment).toHaveLength(158);
    expect(comment).toMatch(/^fspbx-nat-seal\/2:ed25519:[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{86}==$/);
    expect(comment.split(':')[2]).toBe(ours.publicKey);
    // Same files, same key: the same bytes (fixed zip times; Ed25519 is deterministic).
    expect(pack(FILES, META, ours).zip).toEqual(zip);
  });

  it('is refused at any changed byte', async () => {
    const { zip } = pack(FILES, META, ours);
    for (let at = 0; at < zip.length; at += 1) {
      const bad = zip.slice();
      bad[at] = bad[at]! ^ 0x80;
      expect(await refusal(bad, ours.publicKey), `byte ${at}`).toBeDefined();
    }
  });

  it('is refused when the key or signature is respelled: base64 whose padding bits differ decodes to the same bytes', async () => {
    const { zip } = pack(FILES, META, ours);
    const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const text = strFromU8(zip);
    const comment = text.slice(text.lastIndexOf('fspbx-nat-seal/2:'));
    // The comment is ASCII and ends the file; the text before it is not (indices differ from bytes).
    const commentAt = zip.length - comment.length;
    // The character before each '=' run: the key's (one '=') and the signature's (two).
    const positions = [comment.indexOf('=:') - 1, comment.length - 3];
    for (const pos of positions) {
      const original = comment[pos]!;
      const word = pos < comment.indexOf('=:') ? comment.slice(26, pos + 2) : comment.slice(comment.indexOf('=:') + 2);
      const twin = [...B64].find(
        (c) =>
          c !== original &&
          Buffer.from(word.replace(original + '=', c + '='), 'base64').equals(Buffer.from(word, 'base64')),
      );
      expect(twin, `a respelling of ${original}`).toBeDefined();
      const bad = zip.slice();
      bad[commentAt + pos] = twin!.charCodeAt(0);
      expect(await refusal(bad, ours.publicKey)).toBe('the seal over the whole file does not match');
    }
  });

  it('is refused when cut short or lengthened', async () => {
    const { zip } = pack(FILES, META, ours);
    expect(await refusal(zip.subarray(0, zip.length - 1))).toBe('the seal over the whole file does not match');
    const longer = new Uint8Array(zip.length + 1);
    longer.set(zip);
    expect(await refusal(longer)).toBe('the seal over the whole file does not match');
    expect(await refusal(new Uint8Array(10))).toBe('the seal over the whole file does not match');
  });
});

describe('a v1-sealed (unsigned) bundle, as old versions and forgers write it', () => {
  it('is read as unsigned, and refused at a changed byte', async () => {
    const { zip } = pack(FILES, META);
    expect((await unpack(zip, ours.publicKey)).from).toEqual({ signature: 'unsigned' });
    const bad = zip.slice();
    bad[40] = bad[40]! ^ 1;
    expect(await refusal(bad)).toBe('the seal over the whole file does not match');
  });
});

describe('what the manifest vouches for', () => {
  /** The bundle's entries re-zipped after `edit`, signed again by a careful forger. */
  function reforged(edit: (entries: Record<string, Uint8Array>) => void): Uint8Array {
    const entries = unzipSync(pack(FILES, META, theirs).zip);
    edit(entries);
    return sealSigned(zipSync(entries), theirs);
  }

  it('refuses a file it does not list, a listed file missing or changed, and a file listed twice', async () => {
    expect(await refusal(reforged((e) => (e['pbx/extra.sh'] = strToU8('rm -rf /'))))).toBe(
      'file not in the manifest: pbx/extra.sh',
    );
    expect(await refusal(reforged((e) => delete e['run.json']))).toBe('missing or unsafe file: run.json');
    expect(await refusal(reforged((e) => (e['run.json'] = strToU8('{"runId":"r2"}\n'))))).toBe(
      'checksum mismatch: run.json',
    );
    const twice = reforged((e) => {
      const m = JSON.parse(strFromU8(e[MANIFEST]!)) as { files: unknown[] };
      m.files.push(m.files[0]);
      e[MANIFEST] = strToU8(JSON.stringify(m));
    });
    expect(await refusal(twice)).toBe('the manifest lists a file twice');
  });

  it('refuses a bundle without a manifest, or with one that is not JSON or not ours', async () => {
    expect(await refusal(reforged((e) => delete e[MANIFEST]))).toBe('no manifest.json');
    expect(await refusal(reforged((e) => (e[MANIFEST] = strToU8('{'))))).toBe('manifest.json is not JSON');
    // JSON, but not a manifest of ours: the detail says which field, not "not JSON".
    const other = await refusal(
      reforged((e) => (e[MANIFEST] = strToU8(JSON.stringify({ format: 'something-else/1' })))),
    );
    expect(other).toBe('manifest.json: format: Invalid input: expected "fspbx-nat-bundle/1"');
    // Not an object at all: no field to name, only the rule.
    expect(await refusal(reforged((e) => (e[MANIFEST] = strToU8('[]'))))).toBe(
      'manifest.json: Invalid input: expected object, received array',
    );
  });

  /** The bundle re-forged with its manifest's entry for run.json edited. */
  function withRunEntry(edit: (entry: { sha256: string; bytes: number }) => void): Uint8Array {
    return reforged((e) => {
      const m = JSON.parse(strFromU8(e[MANIFEST]!)) as { files: { path: string; sha256: string; bytes: number }[] };
      edit(m.files.find((f) => f.path === 'run.json')!);
      e[MANIFEST] = strToU8(JSON.stringify(m));
    });
  }

  it('refuses a digest with anything before or after its 64 hex digits as a manifest that is not ours', async () => {
    const digest = sha256(strToU8(FILES['run.json']));
    for (const bad of [`x${digest}`, `${digest}x`, digest.toUpperCase()]) {
      expect(await refusal(withRunEntry((f) => (f.sha256 = bad))), bad).toMatch(
        /^manifest\.json: files\.2\.sha256: Invalid string/,
      );
    }
  });

  it('refuses a file whose size the manifest gets wrong, though its digest is right', async () => {
    expect(await refusal(withRunEntry((f) => (f.bytes += 1)))).toBe('checksum mismatch: run.json');
  });

  it('refuses a same-length file whose bytes differ, even with its size right', async () => {
    const swapped = reforged((e) => (e['plan.json'] = strToU8('{"changes":[1]}')));
    expect(strToU8('{"changes":[1]}').length).toBe(strToU8(FILES['plan.json']).length);
    expect(await refusal(swapped)).toBe('checksum mismatch: plan.json');
  });

  it('refuses a path the wizard never writes, before inflating it', async () => {
    const odd = reforged((e) => (e['../evil.sh'] = strToU8('x')));
    expect(await refusal(odd)).toBe('path not allowed: "../evil.sh"');
  });

  it('refuses, before inflating, a zip whose directory the unzip refuses, though its signature holds', async () => {
    const folder = sealSigned(zipSync({ 'run.json': strToU8('{}'), 'dir/': new Uint8Array(0) }), theirs);
    expect(await refusal(folder)).toMatch(/folder/);
  });

  it('refuses a zip whose entry inflates past the size its directory declares', async () => {
    const zip = zipSync({ 'run.json': strToU8('a'.repeat(2000)) }, { level: 6 });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const central = view.getUint32(zip.length - 22 + 16, true);
    view.setUint32(central + 24, 10, true);
    expect(await refusal(sealSigned(zip, theirs))).toBe('an entry inflates past its declared size');
  });

  it('refuses a bundle larger than the limit without reading it', async () => {
    expect(await refusal(new Uint8Array(LIMITS.bytes + 1))).toBe(`bundle is ${LIMITS.bytes + 1} bytes`);
    // At the limit exactly the size is allowed; the seal then decides.
    expect(await refusal(new Uint8Array(LIMITS.bytes))).toBe('the seal over the whole file does not match');
  });
});

describe('bundle paths', () => {
  it('allows our own names only', () => {
    for (const ok of [
      'run.json',
      'router/apply.rsc',
      'pbx/apply-steps.sh',
      'snapshots/snapshot.json',
      'report.html',
      'a/b.txt',
      'pbx/apply.sql',
    ]) {
      expect(safePath(ok), ok).toBe(true);
    }
    for (const bad of [
      '../x.json',
      'a/../b.json',
      './a.json',
      'a/./b.json',
      'a/.hidden.json',
      '/abs.json',
      'A.json',
      'x.exe',
      'x.json.exe',
      'a\\b.json',
      '__proto__',
      'constructor.js',
      'run.json ',
      'x.json\n',
    ]) {
      expect(safePath(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('are checked when packing: a program bug cannot write an odd path', () => {
    expect(() => pack({ '../x.json': '{}' }, META, ours)).toThrow('bundle path not allowed: ../x.json');
  });
});

describe('the v1 seal', () => {
  it('is a SHA-256 over every byte before it, in the zip comment', () => {
    const zip = zipSync({ 'a.json': strToU8('{}') });
    const sealed = seal(zip);
    const comment = strFromU8(sealed.subarray(zip.length));
    expect(comment).toBe(`fspbx-nat-seal:sha256:${sha256(sealed.subarray(0, zip.length))}`);
  });
});

describe('the zip a bundle is', () => {
  it('holds the manifest as manifest.json beside the files, each under its own name', () => {
    const { zip } = pack(FILES, META, ours);
    expect(Object.keys(unzipSync(zip)).sort()).toEqual(['manifest.json', 'plan.json', 'router/apply.rsc', 'run.json']);
  });

  it('gives every entry the same fixed time, so the same run packed later is the same bytes', () => {
    // The MS-DOS date and time of 2000-01-01T00:00:00Z, in the local time zone fflate writes (APPNOTE 4.4.6).
    const at = new Date('2000-01-01T00:00:00Z');
    const dosTime = (at.getHours() << 11) | (at.getMinutes() << 5) | (at.getSeconds() >> 1);
    const dosDate = ((at.getFullYear() - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2031-06-15T12:34:56Z'));
      const first = pack(FILES, META, ours).zip;
      vi.setSystemTime(new Date('2044-02-29T23:59:58Z'));
      expect(pack(FILES, META, ours).zip).toEqual(first);
      const view = new DataView(first.buffer, first.byteOffset, first.byteLength);
      // The first local header: signature, then the modification time at 10 and date at 12.
      expect(view.getUint32(0, true)).toBe(0x04034b50);
      expect([view.getUint16(10, true), view.getUint16(12, true)]).toEqual([dosTime, dosDate]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('sealing', () => {
  const zip = zipSync({ 'a.json': strToU8('{}') });

  it('refuses a zip whose end record is not last or already declares a comment, rather than write a broken file', () => {
    const commented = zip.slice();
    new DataView(commented.buffer).setUint16(commented.length - 2, 5, true);
    const trailing = new Uint8Array(zip.length + 5);
    trailing.set(zip);
    for (const bad of [commented, trailing, new Uint8Array(40)]) {
      expect(() => seal(bad)).toThrow('zip writer produced an unexpected end record');
      expect(() => sealSigned(bad, ours)).toThrow('zip writer produced an unexpected end record');
    }
  });

  it('refuses a signer whose signature is not 88 base64 characters, rather than write a bundle no one can read', () => {
    const short: Signer = { ...ours, sign: (data) => ours.sign(data).slice(0, -2) };
    expect(() => sealSigned(zip, short)).toThrow('unexpected signature length');
  });

  it('judges a file that is nothing but an end record and its seal by that seal', async () => {
    const empty = zipSync({});
    expect(empty).toHaveLength(22);
    expect(await refusal(sealSigned(empty, ours))).toBe('no manifest.json');
    expect(await refusal(seal(empty))).toBe('no manifest.json');
  });

  it('finds no seal in a comment the end record does not declare, though its digest or signature holds', async () => {
    const sealed = pack(FILES, META, ours).zip;
    // The bundle as fflate wrote it: the seal (158 characters) cut off, the end record's comment length 0.
    const raw = sealed.slice(0, sealed.length - 158);
    new DataView(raw.buffer).setUint16(raw.length - 2, 0, true);
    expect(Object.keys(unzipSync(raw))).toContain('run.json');
    for (const comment of [
      `fspbx-nat-seal/2:ed25519:${ours.publicKey}:${ours.sign(raw)}`,
      `fspbx-nat-seal:sha256:${sha256(raw)}`,
    ]) {
      const appended = new Uint8Array([...raw, ...strToU8(comment)]);
      expect(await refusal(appended), comment.slice(0, 16)).toBe('the seal over the whole file does not match');
    }
  });

  it('finds no seal after bytes that are not a zip, though they hold the comment length where a zip would', async () => {
    const junk = new Uint8Array(100);
    for (const [length, sealed] of [
      [158, (body: Uint8Array) => `fspbx-nat-seal/2:ed25519:${ours.publicKey}:${ours.sign(body)}`],
      [86, (body: Uint8Array) => `fspbx-nat-seal:sha256:${sha256(body)}`],
    ] as const) {
      const body = junk.slice();
      new DataView(body.buffer).setUint16(body.length - 2, length, true);
      const file = new Uint8Array([...body, ...strToU8(sealed(body))]);
      expect(await refusal(file, ours.publicKey), String(length)).toBe('the seal over the whole file does not match');
    }
  });
});
