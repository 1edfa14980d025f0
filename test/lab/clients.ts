/** Small clients the lab's tests and the demo use: an SSH command runner and a SIP OPTIONS probe. */
import { Client, type ConnectConfig } from 'ssh2';
import { type Lab } from './lab';
import { type HostName } from './topology';

export interface SshResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Logs in with ssh2 (the library the wizard uses), runs one command, and closes. */
export function sshRun(config: ConnectConfig, command: string, input?: string): Promise<SshResult> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const timer = setTimeout(() => {
      client.end();
      reject(new Error(`ssh ${command}: timed out`));
    }, 20_000);
    client
      .on('ready', () => {
        client.exec(command, (error, stream) => {
          if (error) {
            clearTimeout(timer);
            client.end();
            reject(error);
            return;
          }
          let stdout = '';
          let stderr = '';
          stream.on('data', (c: Buffer) => (stdout += c.toString()));
          stream.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
          stream.on('close', (code: number | null) => {
            clearTimeout(timer);
            client.end();
            resolve({ code, stdout, stderr });
          });
          stream.end(input ?? '');
        });
      })
      .on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      })
      .connect({ readyTimeout: 15_000, ...config });
  });
}

/**
 * Sends SIP OPTIONS with sipsak from a lab host; true when a 200 came back within `seconds`.
 * sipsak is a third-party SIP client: the responder is not checked by code of its own.
 */
export async function optionsAnswered(
  lab: Lab,
  from: HostName,
  target: string,
  port: number,
  transport: 'udp' | 'tcp' = 'udp',
  seconds = 3,
): Promise<boolean> {
  const result = await lab.exec(
    from,
    ['timeout', String(seconds), 'sipsak', `--transport=${transport}`, '-s', `sip:ping@${target}:${port}`],
    { timeoutMs: (seconds + 2) * 1000 },
  );
  return result.code === 0;
}
