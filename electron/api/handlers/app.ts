import { constants } from 'node:fs';
import { access, rm, writeFile } from 'node:fs/promises';
import { ownerOnlyFolder } from '../../store';
import { join } from 'node:path';
import { detectLan } from '../../lan';
import { fail, toAppError } from '../../../contract/errors';
import type { Signer } from '../../bundle';
import type { Handler } from '../dispatcher';
import type { CheckStatus, DoctorCheck } from '../../../contract/types';
import type { HandlerEnv } from './env';
import { lazySigner } from './history';
import { detectTlsCapability } from '../../routeros/tls-capability';

const MIN_NODE = [20, 19];

function nodeIsRecentEnough(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > MIN_NODE[0]! || (major === MIN_NODE[0]! && minor >= MIN_NODE[1]!);
}

async function checkDataDir(dir: string): Promise<DoctorCheck> {
  const title = 'Data folder';
  try {
    const was = ownerOnlyFolder(dir);
    await access(dir, constants.W_OK);
    const probe = join(dir, `.probe-${process.pid}`);
    await writeFile(probe, 'ok', { mode: 0o600 });
    await rm(probe);
    const tightened =
      was === undefined
        ? ''
        : ` Its rights were ${was.toString(8).padStart(4, '0')} (others could read it); now 0700, only you.`;
    return { id: 'data-dir', title, status: 'pass', summary: `Snapshots and history are kept in ${dir}.${tightened}` };
  } catch (caught) {
    return {
      id: 'data-dir',
      title,
      status: 'fail',
      summary: `Cannot write to ${dir}: ${(caught as Error).message}`,
      fix: 'Choose another folder with --data-dir, or fix the folder permissions.',
    };
  }
}

/** The key this installation signs bundles with: its fingerprint is what others compare. */
function checkBundleKey(signer: () => Signer): DoctorCheck {
  const title = 'Bundle signing key';
  try {
    const key = signer();
    return {
      id: 'bundle-key',
      title,
      status: 'pass',
      summary: `Bundles from this installation are signed with ${key.fingerprint} (private key ${key.protection}).`,
    };
  } catch (caught) {
    return {
      id: 'bundle-key',
      title,
      status: 'warn',
      summary: toAppError(caught).message,
      fix: 'Bundles can still be exported, unsigned; check the data folder.',
    };
  }
}

export function appHandlers(
  env: HandlerEnv,
  signer: () => Signer = lazySigner(env),
): {
  'app.info': Handler<'app.info'>;
  'app.doctor': Handler<'app.doctor'>;
  'app.chooseFile': Handler<'app.chooseFile'>;
} {
  return {
    'app.chooseFile': async (input) => {
      if (!env.chooseFile) {
        return fail('not_available_yet', 'File dialogs exist only in the desktop app: type the path instead.');
      }
      const path = await env.chooseFile(input.purpose, input.suggestedName);
      return path === undefined ? {} : { path };
    },
    'app.info': async () => ({
      name: env.appName,
      version: env.version,
      frontEnd: env.frontEnd,
      platform: `${process.platform}-${process.arch}`,
      dataDir: env.dataDir,
      runtime: env.runtime,
      // The Router step offers the anonymous-TLS ways only where the TLS library has them.
      anonymousTls: detectTlsCapability().anonymousDh,
      ...bundleKeyOf(signer),
    }),

    'app.doctor': async (_input, { progress, signal }) => {
      const checks: DoctorCheck[] = [];
      const report = (check: DoctorCheck) => {
        checks.push(check);
        progress(check);
      };

      report(
        nodeIsRecentEnough(env.runtime.node)
          ? { id: 'runtime', title: 'Runtime', status: 'pass', summary: `Node ${env.runtime.node}.` }
          : {
              id: 'runtime',
              title: 'Runtime',
              status: 'fail',
              summary: `Node ${env.runtime.node} is too old.`,
              fix: `Install Node ${MIN_NODE.join('.')} or newer.`,
            },
      );
      if (signal.aborted) return { checks, status: worst(checks) };

      report(await checkDataDir(env.dataDir));
      if (signal.aborted) return { checks, status: worst(checks) };
      report(checkBundleKey(signer));

      const lan = await detectLan();
      const likely = lan.interfaces.find((i) => i.likelyLan);
      report(
        likely
          ? {
              id: 'lan',
              title: 'Network',
              status: 'pass',
              summary: `${likely.name} ${likely.address} on ${likely.subnet}.`,
            }
          : {
              id: 'lan',
              title: 'Network',
              status: lan.interfaces.length === 0 ? 'fail' : 'warn',
              summary: lan.reasoning,
              fix: 'Plug the laptop into the customer LAN (or its Wi-Fi) and check again.',
            },
      );
      report(
        lan.defaultGateway
          ? {
              id: 'gateway',
              title: 'Default gateway',
              status: 'pass',
              summary: `${lan.defaultGateway.address} via ${lan.defaultGateway.interface}: probably the router.`,
            }
          : {
              id: 'gateway',
              title: 'Default gateway',
              status: 'warn',
              summary: 'No default route: the router will have to be found by scanning.',
            },
      );

      // What is and is not protected on this laptop: no password is ever stored; the signing key is
      // keychain-encrypted where the OS has a keychain, else a file only this user can read.
      const secrets = env.secretStorage();
      report(
        secrets.available
          ? { id: 'secrets', title: 'Passwords and keys', status: 'pass', summary: secrets.why }
          : {
              id: 'secrets',
              title: 'Passwords and keys',
              status: 'warn',
              summary: secrets.why,
              fix: 'Passwords are asked each time and never written. To have the signing key encrypted, run the desktop app with a keychain unlocked (on Linux: GNOME Keyring or KWallet) before its first bundle.',
            },
      );
      return { checks, status: worst(checks) };
    },
  };
}

function bundleKeyOf(signer: () => Signer): { bundleKey?: string } {
  try {
    return { bundleKey: signer().fingerprint };
  } catch {
    return {};
  }
}

function worst(checks: DoctorCheck[]): CheckStatus {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'warn')) return 'warn';
  return 'pass';
}
