/** What every command group is given: the program, the terminal, and one way to run an operation. */
import type { Command } from 'commander';
import type { AppError, Result } from '../../contract/errors';
import type { InputArg, OpName, Output, Progress } from '../../contract/operations';

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Whole standard input, for secrets passed with --password-stdin. */
  readStdin: () => Promise<string>;
  /** Starts browser mode and resolves when it stops. */
  browser?: (options: { port: number; dataDir: string }) => Promise<number>;
}

export interface GlobalOptions {
  json?: boolean;
  dataDir: string;
}

export type Formatter<K extends OpName> = (value: Output<K>) => string;

const USAGE_CODES: ReadonlySet<AppError['code']> = new Set(['invalid_input', 'unknown_operation']);

export function exitCodeFor(error: AppError): number {
  if (error.code === 'cancelled') return EXIT.interrupted;
  return USAGE_CODES.has(error.code) ? EXIT.usage : EXIT.failed;
}

export interface CliContext {
  program: Command;
  io: CliIo;
  globals(): GlobalOptions;
  /** Sets the command's exit code. */
  exit(code: number): void;
  /** Runs one operation, prints it, sets the exit code for an error; the result for callers that judge its value. */
  call<K extends OpName>(
    op: K,
    input: InputArg<K>,
    format: Formatter<K>,
    onProgress?: (e: Progress<K>) => void,
  ): Promise<Result<Output<K>>>;
  /** call, for commands that need only its printing and exit code. */
  run<K extends OpName>(
    op: K,
    input: InputArg<K>,
    format: Formatter<K>,
    onProgress?: (e: Progress<K>) => void,
  ): Promise<void>;
  /** One operation whose value a command needs, printed nowhere. */
  quiet<K extends OpName>(op: K, input: InputArg<K>): Promise<Result<Output<K>>>;
}
