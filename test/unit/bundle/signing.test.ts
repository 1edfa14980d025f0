/**
 * The installation's bundle signing key on a real file system (a fresh temporary folder per run):
 * made once, owner-only, the same key on every later start, refused clearly when it cannot be
 * read or opened; its fingerprint is SHA256 of the raw public key, as people compare it.
 */
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Failure } from '../../../contract/errors';
import {
  installationSigner,
  KEY_FILE,
  keyFingerprint,
  publicKeyFromRaw,
  verifySignature,
} from '../../../electron/bundle/signing';
import type { SecretBox } from '../../../electron/store/types';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-signing-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A keychain stand-in that really transforms the bytes (XOR), so a clear key never passes as cipher. */
const keychain = (available = true): SecretBox => ({
  available: () => available,
  encrypt: (plain) => Buffer.from(Buffer.from(plain).map((b) => b ^ 0x5a)),
  decrypt: (cipher) => Buffer.from(cipher.map((b) => b ^ 0x5a)).toString(),
});

function failureOf(fn: () => unknown): Failure {
  try {
    fn();
  } catch (caught) {
    if (caught instanceof Failure) return caught;
    throw caught;
  }
  throw new Error('expected a refusal');
}

describe('the installation signer', () => {
  it('makes an Ed25519 key on first use, in a 0600 file in a 0700 folder, kept in the clear without a keychain', () => {
    const data = join(dir, 'data');
    const signer = installationSigner(data);
    expect(statSync(data).mode & 0o777).toBe(0o700);
    expect(statSync(join(data, KEY_FILE)).mode & 0o777).toBe(0o600);
    const record = JSON.parse(readFileSync(join(data, KEY_FILE), 'utf8')) as {
      format: string;
      publicKey: string;
      privateKey: { kind: string };
    };
    expect(record.format).toBe('fspbx-nat-signing-key/1');
    expect(record.publicKey).toBe(signer.publicKey);
    expect(record.privateKey.kind).toBe('file');
    expect(signer.publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(signer.protection).toBe('in a file only you can read (0600)');
  });

  it('is the same key on every later start, and its signatures verify with the public key alone', () => {
    const first = installationSigner(dir);
    const again = installationSigner(dir);
    expect(again.publicKey).toBe(first.publicKey);
    const data = new TextEncoder().encode('bundle bytes');
    const signature = again.sign(data);
    expect(verify(null, data, publicKeyFromRaw(first.publicKey), Buffer.from(signature, 'base64'))).toBe(true);
    expect(verifySignature(first.publicKey, data, signature)).toBe(true);
  });

  it('puts the key right back to 0600 when its mode was widened', () => {
    installationSigner(dir);
    chmodSync(join(dir, KEY_FILE), 0o644);
    installationSigner(dir);
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('names its key by SHA256 of the raw public key, base64 without padding', () => {
    const signer = installationSigner(dir);
    const digest = createHash('sha256').update(Buffer.from(signer.publicKey, 'base64')).digest('base64');
    expect(signer.fingerprint).toBe(`SHA256:${digest.replace(/=+$/, '')}`);
    expect(keyFingerprint(signer.publicKey)).toBe(signer.fingerprint);
    expect(signer.fingerprint).not.toMatch(/=$/);
    expect(installationSigner(join(dir, 'other')).fingerprint).not.toBe(signer.fingerprint);
  });

  it('encrypts the private key with the keychain when there is one, and opens it again with it', () => {
    const signer = installationSigner(dir, keychain());
    const record = JSON.parse(readFileSync(join(dir, KEY_FILE), 'utf8')) as { privateKey: Record<string, string> };
    expect(record.privateKey.kind).toBe('keychain');
    expect(record.privateKey).not.toHaveProperty('der');
    expect(signer.protection).toBe('encrypted with the OS keychain');
    expect(installationSigner(dir, keychain()).publicKey).toBe(signer.publicKey);
  });

  it('keeps the key in the clear when the keychain is there but not available', () => {
    const signer = installationSigner(dir, keychain(false));
    expect(signer.protection).toBe('in a file only you can read (0600)');
  });

  it('refuses, saying why, a keychain key with no keychain here', () => {
    installationSigner(dir, keychain());
    for (const box of [undefined, keychain(false)]) {
      const refused = failureOf(() => installationSigner(dir, box));
      expect(refused.error.code).toBe('io_failed');
      expect(refused.error.message).toBe(
        'The bundle signing key cannot be opened here (another user or keychain). Bundles cannot be signed.',
      );
      expect(refused.error.detail).toMatch(/keychain that is not available here/);
    }
  });

  it('refuses a key file whose public key is not its private key', () => {
    installationSigner(dir);
    const path = join(dir, KEY_FILE);
    const record = JSON.parse(readFileSync(path, 'utf8')) as { publicKey: string };
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
    record.publicKey = other.subarray(12).toString('base64');
    writeFileSync(path, JSON.stringify(record), { mode: 0o600 });
    const refused = failureOf(() => installationSigner(dir));
    expect(refused.error.code).toBe('io_failed');
    expect(refused.error.detail).toMatch(/public and private key differ/);
  });

  it('refuses a key file whose public key is not exactly a raw Ed25519 key, as unreadable', () => {
    installationSigner(dir);
    const path = join(dir, KEY_FILE);
    const good = readFileSync(path, 'utf8');
    const { publicKey } = JSON.parse(good) as { publicKey: string };
    for (const odd of [`A${publicKey}`, `${publicKey}A`]) {
      writeFileSync(path, good.replace(publicKey, odd), { mode: 0o600 });
      expect(failureOf(() => installationSigner(dir)).error.message).toMatch(/cannot be read\. Move /);
    }
  });

  it('refuses an unreadable or foreign key file, and says to move it aside', () => {
    for (const text of ['not json', '{}', JSON.stringify({ format: 'fspbx-nat-signing-key/2' })]) {
      writeFileSync(join(dir, KEY_FILE), text, { mode: 0o600 });
      const refused = failureOf(() => installationSigner(dir));
      expect(refused.error.code).toBe('io_failed');
      expect(refused.error.message).toBe(
        `The bundle signing key in ${dir} cannot be read. Move ${KEY_FILE} aside to make a new one.`,
      );
    }
  });
});

describe('signature checks', () => {
  it('reject a changed byte, another key, and garbage without throwing', () => {
    const signer = installationSigner(dir);
    const data = new TextEncoder().encode('bundle bytes');
    const signature = signer.sign(data);
    expect(verifySignature(signer.publicKey, new TextEncoder().encode('bundle bytez'), signature)).toBe(false);
    expect(verifySignature(installationSigner(join(dir, 'b')).publicKey, data, signature)).toBe(false);
    expect(verifySignature('not a key', data, signature)).toBe(false);
    expect(verifySignature(signer.publicKey, data, 'AAAA')).toBe(false);
  });
});
