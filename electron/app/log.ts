/**
 * The wizard's own log, in the data folder: one line per event, for the
 * technician (or support) to read after something went wrong on site. The
 * file is capped: past maxBytes it moves to wizard.log.1 (and .1 to .2 …),
 * keeping at most `keep` old files, so a laptop that runs the wizard for
 * years never fills its disk. Owner-only, like the rest of the data folder.
 * Objects pass through a redaction (the store's: password, passphrase,
 * private key … fields) before they are written, and every line is cut to a
 * bounded length.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const LOG_FILE = 'wizard.log';

export interface LogOptions {
  /** Size at which the current file is rotated. */
  maxBytes?: number;
  /** Old files kept beside the current one (wizard.log.1 … wizard.log.N). */
  keep?: number;
  now?: () => Date;
  /** Applied to every detail before it is written (the store's redactSecrets in the app). */
  redact?: (value: unknown) => unknown;
}

export type LogLevel = 'error' | 'warn' | 'info';

export interface Log {
  readonly file: string;
  write(level: LogLevel, message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
}

export const LOG_DEFAULTS = { maxBytes: 1024 * 1024, keep: 3 } as const;
/** One event never takes more than this (a stack trace is kept, a dumped config is cut). */
const MAX_LINE = 8 * 1024;

function describe(detail: unknown, redact: (value: unknown) => unknown): string {
  if (detail === undefined) return '';
  if (detail instanceof Error) return ` ${detail.stack ?? detail.message}`;
  if (typeof detail === 'string') return ` ${detail}`;
  try {
    return ` ${JSON.stringify(redact(detail))}`;
  } catch {
    return ` ${String(detail)}`;
  }
}

/** The line written for one event: ISO time, level, message and detail, on one line. */
export function logLine(
  at: Date,
  level: LogLevel,
  message: string,
  detail?: unknown,
  redact = (v: unknown) => v,
): string {
  const text = `${at.toISOString()} ${level.toUpperCase()} ${message}${describe(detail, redact)}`.replace(
    /\r?\n/g,
    ' | ',
  );
  return `${text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)} …[cut]` : text}\n`;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Shifts wizard.log → .1 → .2 …, dropping the oldest past `keep`. */
export function rotate(file: string, keep: number): void {
  rmSync(`${file}.${keep}`, { force: true });
  for (let n = keep - 1; n >= 1; n -= 1) {
    if (existsSync(`${file}.${n}`)) renameSync(`${file}.${n}`, `${file}.${n + 1}`);
  }
  if (keep >= 1 && existsSync(file)) renameSync(file, `${file}.1`);
  else rmSync(file, { force: true });
}

export function openLog(dataDir: string, options: LogOptions = {}): Log {
  const file = join(dataDir, LOG_FILE);
  const maxBytes = options.maxBytes ?? LOG_DEFAULTS.maxBytes;
  const keep = options.keep ?? LOG_DEFAULTS.keep;
  const now = options.now ?? (() => new Date());
  const redact = options.redact ?? ((v: unknown) => v);

  const write = (level: LogLevel, message: string, detail?: unknown): void => {
    const line = logLine(now(), level, message, detail, redact);
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      if (sizeOf(file) > 0 && sizeOf(file) + Buffer.byteLength(line) > maxBytes) rotate(file, keep);
      appendFileSync(file, line, { mode: 0o600 });
      if (process.platform !== 'win32') chmodSync(file, 0o600);
    } catch {
      // A log that cannot be written must never take the wizard down with it.
    }
  };
  return {
    file,
    write,
    error: (message, detail) => write('error', message, detail),
    warn: (message, detail) => write('warn', message, detail),
    info: (message, detail) => write('info', message, detail),
  };
}
