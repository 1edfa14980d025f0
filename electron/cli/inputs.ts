/**
 * What the command line is given, checked before any operation runs: files
 * that must be keys, site files, port numbers and ranges. Each wrong input
 * is one sentence and exit code 2, never a stack trace and never a login.
 */
import { open } from 'node:fs/promises';
import { contract, type OpName } from '../../contract/operations';
import { isSecretName } from '../../contract/secrets';
import { invalidInput } from '../api/dispatcher';

/** Wrong usage found by the command itself (before any operation runs): one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const KEY_LIMIT = 64 * 1024;

/** The first line of a message: parsers print code frames that do not belong on one error line. */
export function firstLine(message: string): string {
  return (message.split(/\r?\n/)[0] ?? '').trim();
}

/** A private key file, read with a size limit; anything else (a folder, /proc, /dev/zero, a public key) is refused. */
export async function readKeyFile(path: string): Promise<string> {
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      if (!(await handle.stat()).isFile()) throw new Error('not a file');
      const buffer = Buffer.alloc(KEY_LIMIT + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > KEY_LIMIT) throw new Error('larger than any key file');
      text = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (caught) {
    throw new UsageError(`Cannot read the key file ${path}: ${firstLine((caught as Error).message)}.`);
  }
  if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) {
    throw new UsageError(
      `${path} is not a private key file (it should start with -----BEGIN … PRIVATE KEY-----). Give the key, not the .pub file.`,
    );
  }
  return text;
}

/** A site file's text as an object: JSON, or YAML without tags or aliases of any kind. */
export async function parseSiteText(file: string, text: string): Promise<Record<string, unknown>> {
  let value: unknown;
  if (/\.ya?ml$/i.test(file)) {
    const { parseDocument } = await import('yaml');
    // Warnings (such as an unknown !!js/function tag) are errors here, and nothing is printed behind our back.
    const doc = parseDocument(text, { logLevel: 'silent', uniqueKeys: true });
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) throw new UsageError(`Cannot read ${file}: ${firstLine(problem.message)}`);
    value = doc.toJS({ maxAliasCount: 0 });
  } else {
    try {
      value = JSON.parse(text);
    } catch (caught) {
      throw new UsageError(`Cannot read ${file}: ${firstLine((caught as Error).message)}`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`Cannot read ${file}: it does not describe a site (router, pbx, trunks, phones, options).`);
  }
  return value as Record<string, unknown>;
}

/** A TCP/UDP port, 1–65535 (0 where `allowZero`: "any free port"). */
export function parsePort(text: string, flag: string, allowZero = false): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new UsageError(`${flag} takes a port from ${allowZero ? 0 : 1} to 65535, not "${text}".`);
  }
  return port;
}

/** A port range such as 16384-32768: both ends 1–65535, the first not above the second. */
export function parsePortRange(text: string, flag: string): { start: number; end: number } {
  const m = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(text);
  const start = Number(m?.[1]);
  const end = Number(m?.[2]);
  if (!m || start < 1 || end > 65535 || start > 65535 || end < 1) {
    throw new UsageError(`${flag} takes a range of ports from 1 to 65535 such as 16384-32768, not "${text}".`);
  }
  if (start > end) throw new UsageError(`${flag} ${text} runs backwards: give the lower port first (${end}-${start}).`);
  return { start, end };
}

/** Usage messages never repeat a secret typed by mistake as --password=… (or any option naming one). */
export function redactSecretOptions(text: string): string {
  // Which options name a secret is the contract's one definition (--password, --ldap-pw, --api-key…).
  return text.replace(/(--?[A-Za-z][A-Za-z-]*)=[^\s'"]*/g, (whole, option: string) =>
    isSecretName(option.replace(/^-+/, '')) ? `${option}=…` : whole,
  );
}

/**
 * The contract's own check of what was typed, before the command asks where the password comes
 * from: a wrong field is named first, in the words the operation would use, and nothing is sent.
 */
export function precheck(op: OpName, input: unknown): void {
  const parsed = contract[op].input.safeParse(input);
  if (!parsed.success) throw new UsageError(invalidInput(parsed.error.issues).message);
}
