/**
 * One command on the open connection: an SSH exec channel as a RemoteProcess, with its time
 * limit, an output cap, the sudo password fed first when sudo asks for one, and a link lost
 * under the command told apart from the command's own failure.
 */
import type { Client } from 'ssh2';
import { Failure } from '../../../contract/errors';
import { sudoRefusal } from './sudo';
import type { CommandResult, RemoteProcess } from './types';

const MAX_OUTPUT = 32 * 1024 * 1024;

/** The connection a command runs on. */
export interface Link {
  client: Client;
  /** True once the connection has closed: nothing more can be started. */
  closed(): boolean;
  username: string;
  sudoPassword?: string;
}

export interface StartOptions {
  timeoutMs: number;
  input?: string;
  /** The command runs under sudo: a non-zero exit is checked for sudo's refusals. */
  viaSudo: boolean;
  /** The sudo password goes first on standard input. */
  feedPassword: boolean;
}

/** `command` is already quoted (quote.ts); `argv` names it in errors. */
export function startCommand(
  link: Link,
  command: string,
  argv: readonly string[],
  options: StartOptions,
): Promise<RemoteProcess> {
  const { timeoutMs } = options;
  return new Promise<RemoteProcess>((started, notStarted) => {
    if (link.closed()) {
      notStarted(new Failure({ code: 'transport_closed', message: 'The SSH connection to the PBX was lost.' }));
      return;
    }
    link.client.exec(command, (execError, stream) => {
      if (execError) {
        notStarted(
          new Failure({
            code: 'transport_closed',
            message: 'The PBX would not run a command over SSH.',
            detail: execError.message,
          }),
        );
        return;
      }
      let resolve!: (result: CommandResult) => void;
      let reject!: (error: Failure) => void;
      const done = new Promise<CommandResult>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      // A caller that only awaits later must not see an unhandled rejection in between.
      done.catch(() => undefined);
      const listeners: ((stream: 'stdout' | 'stderr', text: string) => void)[] = [];
      const out: Buffer[] = [];
      const errOut: Buffer[] = [];
      let size = 0;
      let finished = false;
      const timer = setTimeout(() => {
        if (finished) return;
        finished = true;
        stream.close();
        reject(
          new Failure({
            code: 'timeout',
            message: `A command on the PBX did not finish within ${Math.round(timeoutMs / 1000)} s.`,
            detail: argv.join(' ').slice(0, 200),
          }),
        );
      }, timeoutMs);
      const collect = (into: Buffer[], name: 'stdout' | 'stderr') => (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_OUTPUT) {
          stream.close();
          return;
        }
        into.push(chunk);
        for (const listener of listeners) listener(name, chunk.toString('utf8'));
      };
      stream.on('data', collect(out, 'stdout'));
      stream.stderr.on('data', collect(errOut, 'stderr'));
      stream.on('close', (code?: number | null, signal?: string) => {
        clearTimeout(timer);
        if (finished) return;
        finished = true;
        if ((code ?? null) === null && !signal && size <= MAX_OUTPUT) {
          // No exit status: the link went down under the command.
          reject(
            new Failure({
              code: 'transport_closed',
              message: 'The SSH connection to the PBX was lost while a command ran.',
              detail: argv.join(' ').slice(0, 200),
            }),
          );
          return;
        }
        const result = {
          code: code ?? (signal ? 128 : -1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(errOut).toString('utf8'),
        };
        const refused = options.viaSudo && result.code !== 0 ? sudoRefusal(link.username, result.stderr) : undefined;
        if (refused) reject(refused);
        else if (size > MAX_OUTPUT)
          reject(
            new Failure({
              code: 'io_failed',
              message: 'A command on the PBX printed far more than expected; it was stopped.',
            }),
          );
        else resolve(result);
      });
      if (options.feedPassword) stream.write(`${link.sudoPassword}\n`);
      if (options.input !== undefined) stream.write(options.input);
      started({
        write: (text) => {
          if (finished || link.closed()) return false;
          stream.write(text);
          return true;
        },
        end: () => {
          if (!finished) stream.end();
        },
        onOutput: (listener) => listeners.push(listener),
        done,
      });
    });
  });
}
