/**
 * What an attacker does to a bundle, for tests: rewrite its files, fix the
 * manifest, and seal it again (a digest anyone can compute, or a signature
 * with any key they hold). Shared by the bundle tests and the lab test that
 * imports forged bundles through the CLI and browser mode.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { Manifest } from '../../../electron/bundle';
import { seal, sealSigned, sha256 } from '../../../electron/bundle/pack';
import type { Signer } from '../../../electron/bundle/signing';

export type BundleFiles = Record<string, unknown>;

/** Rewrites a bundle's JSON files, fixes its manifest, and seals it again the way a forger can. */
export function forge(
  zip: Uint8Array,
  edit: (files: BundleFiles) => void,
  sealWith: (z: Uint8Array) => Uint8Array = seal,
): Uint8Array {
  const entries = unzipSync(zip);
  const files: BundleFiles = {};
  for (const [name, bytes] of Object.entries(entries))
    if (name.endsWith('.json')) files[name] = JSON.parse(strFromU8(bytes));
  edit(files);
  const manifest = files['manifest.json'] as Manifest;
  for (const [name, value] of Object.entries(files)) {
    if (name === 'manifest.json') continue;
    entries[name] = strToU8(JSON.stringify(value));
    const entry = manifest.files.find((f) => f.path === name)!;
    entry.sha256 = sha256(entries[name]!);
    entry.bytes = entries[name]!.length;
  }
  entries['manifest.json'] = strToU8(JSON.stringify(manifest));
  return sealWith(zipSync(entries));
}

/** A key nobody trusts: what a forger signs with. */
export function strangerSigner(): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
  return {
    publicKey: raw,
    fingerprint: '',
    protection: '',
    sign: (d: Uint8Array) => sign(null, d, privateKey).toString('base64'),
  };
}

export const signedWith = (signer: Signer) => (z: Uint8Array) => sealSigned(z, signer);

/** New ids for the run and its snapshot, so one real bundle yields several forged ones in one history. */
export function renamed(files: BundleFiles, suffix: string): { runId: string; snapshotId: string } {
  const run = files['run.json'] as { runId: string; snapshotId?: string };
  const snapshot = files['snapshots/snapshot.json'] as { snapshotId: string } | undefined;
  const runId = `${run.runId.slice(0, 40)}-${suffix}`;
  const snapshotId = `${(snapshot?.snapshotId ?? 'snap').slice(0, 40)}-${suffix}`;
  run.runId = runId;
  if (snapshot) {
    run.snapshotId = snapshotId;
    snapshot.snapshotId = snapshotId;
  }
  for (const j of files['journal.json'] as { runId: string }[]) j.runId = runId;
  (files['manifest.json'] as { runId: string }).runId = runId;
  return { runId, snapshotId };
}

interface RouterItems {
  filter: Record<string, string>[];
  nat: Record<string, string>[];
}
interface PbxRows {
  vars: Record<string, string | null>[];
}

/**
 * The attack of issue 21 written into a snapshot: exec-set variables whose values break out of
 * vars.xml, the defconf "drop all not coming from LAN" rule disabled, and a WAN:2222 → PBX:22
 * forward carrying the wizard's comment so it looks like its own.
 */
export function plantAttack(files: BundleFiles, pbxAddress: string): void {
  const snapshot = files['snapshots/snapshot.json'] as { router: RouterItems; pbx: PbxRows };
  snapshot.router.filter = snapshot.router.filter.map((rule) =>
    rule.comment === 'defconf: drop all not coming from LAN' ? { ...rule, disabled: 'true' } : rule,
  );
  snapshot.router.nat.push({
    '.id': '*F0',
    chain: 'dstnat',
    action: 'dst-nat',
    protocol: 'tcp',
    'dst-port': '2222',
    'in-interface-list': 'WAN',
    'to-addresses': pbxAddress,
    'to-ports': '22',
    comment: 'fspbx-nat: SIP',
    disabled: 'false',
  });
  const template = snapshot.pbx.vars[0]!;
  for (const [i, value] of [
    'x" /><X-PRE-PROCESS cmd="exec-set" data="pwn=touch /tmp/fspbx-pwned"/><!--',
    'touch /tmp/fspbx-pwned-2',
  ].entries()) {
    snapshot.pbx.vars.push({
      ...template,
      var_uuid: `f0000000-0000-4000-8000-00000000000${i}`,
      var_category: 'Exec-Set',
      var_name: `pwn${i}`,
      var_value: value,
      var_command: 'set',
      var_enabled: 'true',
    });
  }
}

/** A snapshot that does not say which boxes it was taken of. */
export function dropBox(files: BundleFiles): void {
  delete (files['snapshots/snapshot.json'] as { box?: unknown }).box;
}
