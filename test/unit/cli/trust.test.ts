/** The CLI's trust and history wording: one sentence per imported run, keys from a typed value or a file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../contract/types';
import { formatHistory, formatImported } from '../../../electron/cli/commands/history';
import { formatTrusted, keyArgument } from '../../../electron/cli/commands/trust';

const FP = `SHA256:${'A'.repeat(43)}`;
const PUB = `${'B'.repeat(43)}=`;
const run = (imported?: RunSummary['imported']): RunSummary => ({
  runId: 'r1',
  siteId: 's1',
  kind: 'apply',
  status: 'confirmed',
  startedAt: '2026-01-01T00:00:00.000Z',
  changeCount: 2,
  ...(imported ? { imported } : {}),
});

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('fspbx-nat history and import', () => {
  it('say of each imported run, in one sentence, whether it can be rolled back to and how to allow it', () => {
    const text = formatHistory([
      run(),
      { ...run({ signature: 'other-installation', key: FP, publicKey: PUB, trusted: false }), runId: 'r2' },
      { ...run({ signature: 'unsigned', trusted: false }), runId: 'r3' },
    ]);
    expect(text).toContain(
      `imported run r2: This bundle was signed by an installation you have not trusted (key ${FP}): it can be read, not rolled back to. To trust it: fspbx-nat trust add ${PUB} --name "<who they are>", or Trust in History.`,
    );
    expect(text).toContain('imported run r3: This bundle is unsigned');
    expect(text).not.toContain('imported run r1');
    expect(
      formatImported(run({ signature: 'other-installation', key: FP, trusted: true, signerName: 'Alice' })),
    ).toContain(
      `This bundle was signed by an installation you trust (Alice, key ${FP}): it can be read and its snapshot rolled back to`,
    );
  });
});

describe('fspbx-nat trust', () => {
  it('takes a key or fingerprint as typed, or the first one in a file', async () => {
    expect(await keyArgument(` ${FP} `)).toBe(FP);
    expect(await keyArgument(PUB)).toBe(PUB);
    dir = mkdtempSync(join(tmpdir(), 'fspbx-trust-cli-'));
    const file = join(dir, 'alice.txt');
    writeFileSync(file, `Alice's bundle key:\n${PUB}\n`);
    expect(await keyArgument(file)).toBe(PUB);
    // Never the tail of a longer base64 string.
    writeFileSync(file, `der: ${'C'.repeat(60)}=\nkey: ${PUB}\n`);
    expect(await keyArgument(file)).toBe(PUB);
    // Neither: passed on as typed, for the operation to refuse in one sentence.
    expect(await keyArgument('nonsense')).toBe('nonsense');
  });

  it('lists trusted keys with fingerprint, name and key, or says there are none and what that means', () => {
    expect(formatTrusted([])).toMatch(/^No trusted bundle signers\. Imported bundles are history to read/);
    expect(
      formatTrusted([{ publicKey: PUB, fingerprint: FP, name: 'Alice', addedAt: '2026-01-01T00:00:00.000Z' }]),
    ).toBe(`${FP}  Alice  (added 2026-01-01T00:00:00.000Z)\n  key ${PUB}`);
  });
});
