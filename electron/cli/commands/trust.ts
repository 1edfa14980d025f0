/** trust add / list / remove: the bundle signers whose snapshots may be rolled back to. */
import { readFile } from 'node:fs/promises';
import { contract } from '../../../contract/operations';
import type { TrustedSigner } from '../../../contract/types';
import type { CliContext } from '../context';

const KEY_OR_FINGERPRINT = /^([A-Za-z0-9+/]{43}=|SHA256:[A-Za-z0-9+/]{43})$/;

/** The key as typed, or the first key or fingerprint in the file it names (a colleague's key sent as a file). */
export async function keyArgument(given: string): Promise<string> {
  const typed = given.trim();
  if (KEY_OR_FINGERPRINT.test(typed)) return typed;
  const text = await readFile(typed, 'utf8').catch(() => undefined);
  if (text === undefined) return typed; // the operation says what is wrong with it
  // Whole tokens only: never the tail of a longer base64 string (such as a private key a file might also hold).
  const found = /(?<![A-Za-z0-9+/:])([A-Za-z0-9+/]{43}=|SHA256:[A-Za-z0-9+/]{43})(?![A-Za-z0-9+/=])/.exec(
    text.slice(0, 64 * 1024),
  );
  return found ? found[1]! : typed;
}

export function formatTrusted(list: TrustedSigner[]): string {
  if (list.length === 0) {
    return 'No trusted bundle signers. Imported bundles are history to read until you trust their signer (`fspbx-nat trust add`).';
  }
  return list.map((t) => `${t.fingerprint}  ${t.name}  (added ${t.addedAt})\n  key ${t.publicKey}`).join('\n');
}

const formatAdded = (t: TrustedSigner): string =>
  `trusted: ${t.name} (${t.fingerprint}). Snapshots in bundles it signed can now be rolled back to, under the same checks as yours.`;

export function registerTrustCommands(ctx: CliContext): void {
  const trust = ctx.program
    .command('trust')
    .description("Bundle signers you trust: only their bundles' snapshots can be rolled back to.");

  trust
    .command('list')
    .description(contract['trust.list'].summary)
    .action(() => ctx.run('trust.list', {}, formatTrusted));

  trust
    .command('add')
    .description(contract['trust.add'].summary)
    .argument(
      '<key-or-file>',
      "the colleague's public key (44 characters of base64), the SHA256:… fingerprint of the signer of a bundle already imported, or a file holding either",
    )
    .requiredOption('--name <who>', 'who the installation belongs to, as History will show it')
    .addHelpText(
      'after',
      '\nCompare the fingerprint with the one your colleague reads out from their app (History, or `fspbx-nat info`)\nbefore trusting it: a key only says which installation signed a bundle, not that its contents are right.',
    )
    .action(async (key: string, opts: { name: string }) =>
      ctx.run('trust.add', { key: await keyArgument(key), name: opts.name }, formatAdded),
    );

  trust
    .command('remove')
    .description(contract['trust.remove'].summary)
    .argument('<key-or-fingerprint>')
    .action((key: string) =>
      ctx.run('trust.remove', { key: key.trim() }, (r) =>
        r.removed
          ? 'No longer trusted: bundles it signed are history to read again.'
          : 'That key was not on the trusted list; nothing changed.',
      ),
    );
}
