/**
 * The login: TCP, key exchange, the host key check (host-key.ts) before any credential, then
 * the credentials (auth.ts). Resolves with the connected client and the key it showed; any
 * failure is a Failure in the technician's words (login-errors.ts).
 */
import { Client, type ConnectConfig } from 'ssh2';
import type { Failure } from '../../../contract/errors';
import type { PbxTarget } from '../../../contract/schemas';
import { authConfig } from './auth';
import { hostKeyCheck } from './host-key';
import { loginError } from './login-errors';
import type { OpenOptions } from './types';

function connectConfig(target: PbxTarget, options: OpenOptions, verify: (key: Buffer) => boolean): ConnectConfig {
  return {
    host: target.host,
    port: target.port,
    username: target.username,
    readyTimeout: options.connectTimeoutMs ?? 10_000,
    keepaliveInterval: 5_000,
    keepaliveCountMax: 3,
    ...authConfig(target, options),
    hostVerifier: verify,
  };
}

export async function connect(target: PbxTarget, options: OpenOptions): Promise<{ client: Client; hostKey: string }> {
  const client = new Client();
  const hostKey = hostKeyCheck(target);
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Failure) => {
      client.removeAllListeners('ready');
      if (error) {
        client.end();
        reject(error);
      } else resolve();
    };
    client.once('ready', () => settle());
    client.on('error', (caught: Error & { code?: string; level?: string }) =>
      settle(hostKey.refusal() ?? loginError(target, caught)),
    );
    let config: ConnectConfig;
    try {
      config = connectConfig(target, options, (key) => hostKey.verify(key));
    } catch (caught) {
      settle(caught as Failure);
      return;
    }
    client.connect(config);
  });
  return { client, hostKey: hostKey.seen()! };
}
