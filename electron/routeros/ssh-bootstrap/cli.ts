/**
 * The RouterOS CLI lines that give api-ssl a certificate over SSH, and how their output is read.
 * Pure: no I/O. Every line is built here from fixed words and names of a fixed alphabet; nothing
 * the router said (identity, certificate names) is ever put back into a line.
 *
 * Syntax: https://help.mikrotik.com/docs/display/ROS/Certificates (`/certificate add name=…
 * common-name=… key-usage=…`, `sign <name>`), https://help.mikrotik.com/docs/display/ROS/Services
 * (`/ip service set api-ssl certificate=…`), https://help.mikrotik.com/docs/display/ROS/Scripting
 * (`:put`, `:len`, `[find where …]`, `get <item> <property>`; strings in double quotes, where `"`,
 * `\` and `$` are escaped). Values are read with `:put [… get …]` rather than from `print`, whose
 * layout wraps with the terminal's width (community.routeros docs/docsite/rst/ssh-guide.rst, note 3).
 */
import { API_SSL_CERTIFICATE, API_SSL_KEY_USAGE } from '../certificate';

export type Read<T> = { ok: true; value: T } | { ok: false; said: string };

/** A RouterOS string literal of a value the wizard made itself (scripting manual "Data types": string escapes). */
export function quoted(value: string): string {
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/** The certificate's common name: the address the technician typed, if it is plainly one; else a fixed name. */
export function commonNameFor(host: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/.test(host) ? host : API_SSL_CERTIFICATE;
}

const CERT = `[/certificate find where name=${quoted(API_SSL_CERTIFICATE)}]`;
/** Signed = it has its private key (a template has none yet); a boolean property alone is a find condition. */
const SIGNED = `[/certificate find where name=${quoted(API_SSL_CERTIFICATE)} and private-key]`;

/**
 * Printed after a line's own work: a command that fails ends the line there (RouterOS stops a
 * script at its first error, Scripting manual), and a link that drops prints nothing more. So the
 * mark tells "done" from "refused" from "cut off" without relying on an exit status.
 */
export const DONE_MARK = 'fspbx-line-done';

/** The line as sent: its own words, then the mark. */
export function framed(line: string): string {
  return `${line}; :put ${quoted(DONE_MARK)}`;
}

export type Framed = { complete: true; output: string } | { complete: false; output: string };

/** Splits the mark off what a framed line printed. */
export function unframe(output: string): Framed {
  const lines = linesOf(output);
  if (lines[lines.length - 1] !== DONE_MARK) return { complete: false, output };
  return { complete: true, output: lines.slice(0, -1).join('\n') };
}

export const LINES = {
  /** How many certificates carry the wizard's name: 0 or 1 (names are unique on RouterOS). */
  count: `:put [:len ${CERT}]`,
  add: (host: string) =>
    `/certificate add name=${quoted(API_SSL_CERTIFICATE)} common-name=${quoted(commonNameFor(host))} ` +
    `days-valid=3650 key-usage=${API_SSL_KEY_USAGE}`,
  /** Without `ca=` RouterOS signs the certificate with its own key: self-signed. */
  sign: `/certificate sign ${CERT}`,
  /** 1 once the certificate has its key (signed), 0 while it is a template or being signed. */
  signed: `:put [:len ${SIGNED}]`,
  fingerprint: `:put [/certificate get ${CERT} fingerprint]`,
  /** `api-ssl` addresses the static service by name (7.19+ also lists live connections as dynamic rows). */
  assign: `/ip service set api-ssl certificate=${quoted(API_SSL_CERTIFICATE)}`,
  assigned: ':put [/ip service get api-ssl certificate]',
} as const;

/** The non-empty lines a command printed, CR LF or LF, surrounding blanks dropped. */
export function linesOf(output: string): string[] {
  return output
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** What the router said, fit for a sentence: printable, one line, bounded. */
export function said(output: string): string {
  const text = linesOf(output).join(' ');
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200) || '(nothing)';
}

/** A command that answers with one `:put` line matching `shape`. */
export function readOne(output: string, shape: RegExp): Read<string> {
  const lines = linesOf(output);
  return lines.length === 1 && shape.test(lines[0]!)
    ? { ok: true, value: lines[0]! }
    : { ok: false, said: said(output) };
}

/** A command that prints nothing when it works; `sign` may print its progress ("progress: done"). */
export function quiet(output: string): Read<undefined> {
  const rest = linesOf(output).filter((l) => !/^progress:/i.test(l));
  return rest.length === 0 ? { ok: true, value: undefined } : { ok: false, said: said(output) };
}

export function readCount(output: string): Read<number> {
  const one = readOne(output, /^\d+$/);
  return one.ok ? { ok: true, value: Number(one.value) } : one;
}

/**
 * The SHA-256 of the certificate, as RouterOS 7 prints it (64 lower-case hex digits, e.g.
 * terraform-routeros routeros/resource_system_certificate.go:12-35); nothing yet while the
 * key is being made. RouterOS 6 may print a SHA-1 (40 hex): that cannot be compared with what a
 * TLS client sees, so it is refused rather than pinned.
 */
export function readFingerprint(output: string): Read<string | undefined> {
  const lines = linesOf(output);
  if (lines.length === 0) return { ok: true, value: undefined };
  const one = readOne(output, /^[0-9A-Fa-f:]+$/);
  if (!one.ok) return one;
  const hex = one.value.replace(/:/g, '').toLowerCase();
  return hex.length === 64 ? { ok: true, value: hex } : { ok: false, said: `a ${hex.length * 4}-bit fingerprint` };
}

/** Words that mean the account may not do this (RouterOS: "not enough permissions (9)"). */
export function isPermissionRefusal(text: string): boolean {
  return /not enough permissions/i.test(text);
}
