/**
 * This installation's bundle signing key: Ed25519, made on first use and kept
 * in the data folder, owner-only (0600), and encrypted with the OS keychain
 * when there is one. A signature proves which installation made a bundle and
 * that it is unchanged since; it never proves that what the bundle says is true.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fail } from '../../contract/errors';
import { keyFingerprint } from '../store/trust';
import type { SecretBox } from '../store/types';

export { keyFingerprint };

export const KEY_FILE = 'bundle-signing-key.json';

const keyFile = z.strictObject({
  format: z.literal('fspbx-nat-signing-key/1'),
  /** Raw 32-byte Ed25519 public key, base64. */
  publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  /** PKCS#8 DER of the private key, base64: in clear (file 0600) or keychain ciphertext. */
  privateKey: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('file'), der: z.string().max(4096) }),
    z.strictObject({ kind: z.literal('keychain'), cipher: z.string().max(8192) }),
  ]),
});

export interface Signer {
  /** Raw public key, base64 (44 characters). */
  publicKey: string;
  /** SHA256:… of the raw public key, as shown to people. */
  fingerprint: string;
  /** Where the private key is kept, in a technician's words. */
  protection: string;
  sign(data: Uint8Array): string;
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function publicKeyFromRaw(raw: string): KeyObject {
  return createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(raw, 'base64')]),
    format: 'der',
    type: 'spki',
  });
}

function rawOf(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length).toString('base64');
}

export function verifySignature(rawPublicKey: string, data: Uint8Array, signature: string): boolean {
  try {
    return verify(null, data, publicKeyFromRaw(rawPublicKey), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

function makeKey(path: string, box: SecretBox | undefined): void {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  const record: z.infer<typeof keyFile> = {
    format: 'fspbx-nat-signing-key/1',
    publicKey: rawOf(publicKey),
    privateKey: box?.available()
      ? { kind: 'keychain', cipher: box.encrypt(der).toString('base64') }
      : { kind: 'file', der },
  };
  try {
    // 'wx': two processes starting at once never overwrite each other's key.
    writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (caught) {
    if ((caught as NodeJS.ErrnoException).code !== 'EEXIST') throw caught;
  }
}

/** This installation's signer, made on first use. */
export function installationSigner(dataDir: string, box?: SecretBox): Signer {
  const path = join(dataDir, KEY_FILE);
  let record: z.infer<typeof keyFile>;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      readFileSync(path);
    } catch {
      makeKey(path, box);
    }
    chmodSync(path, 0o600);
    record = keyFile.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (caught) {
    return fail(
      'io_failed',
      `The bundle signing key in ${dataDir} cannot be read. Move ${KEY_FILE} aside to make a new one.`,
      String(caught),
    );
  }
  const key = record.privateKey;
  let privateKey: KeyObject;
  try {
    const der =
      key.kind === 'file' ? key.der : box?.available() ? box.decrypt(Buffer.from(key.cipher, 'base64')) : undefined;
    if (der === undefined) throw new Error('the key is encrypted with a keychain that is not available here');
    privateKey = createPrivateKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'pkcs8' });
    if (rawOf(createPublicKey(privateKey)) !== record.publicKey) throw new Error('public and private key differ');
  } catch (caught) {
    return fail(
      'io_failed',
      'The bundle signing key cannot be opened here (another user or keychain). Bundles cannot be signed.',
      String(caught),
    );
  }
  return {
    publicKey: record.publicKey,
    fingerprint: keyFingerprint(record.publicKey),
    protection: key.kind === 'keychain' ? 'encrypted with the OS keychain' : 'in a file only you can read (0600)',
    sign: (data) => sign(null, data, privateKey).toString('base64'),
  };
}
