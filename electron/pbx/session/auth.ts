/** How the login proves itself: password, private key (with its passphrase) or the laptop's ssh-agent. */
import type { ConnectConfig } from 'ssh2';
import { Failure } from '../../../contract/errors';
import type { PbxTarget } from '../../../contract/schemas';
import type { OpenOptions } from './types';

export function authConfig(target: PbxTarget, options: OpenOptions): Partial<ConnectConfig> {
  switch (target.auth.kind) {
    case 'password':
      return { password: target.auth.password, tryKeyboard: false };
    case 'key':
      return target.auth.passphrase === undefined
        ? { privateKey: target.auth.privateKey }
        : { privateKey: target.auth.privateKey, passphrase: target.auth.passphrase };
    case 'agent': {
      const agent = options.agentSocket ?? process.env.SSH_AUTH_SOCK;
      if (!agent) {
        throw new Failure({
          code: 'invalid_input',
          message: 'No SSH agent is running on this laptop; use a password or a key file.',
        });
      }
      return { agent };
    }
  }
}
