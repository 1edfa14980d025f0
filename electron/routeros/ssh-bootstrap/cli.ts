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
import { API_SSL_CERTIFICATE, API_SSL_KEY_USAGE, fingerprintHash, listsServiceConnections } from '../certificate-plan';

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

/**
 * The api-ssl service itself. From 7.19 /ip/service also lists live connections as dynamic rows under
 * the service's name (certificate-plan.ts), and 7.19.0 refused a `set` by that name ("failure: this is
 * configured elsewhere", terraform-routeros/terraform-provider-routeros issue #769, fixed in 7.19.1):
 * there the row is found by name and not dynamic; before 7.19 the menu has no dynamic rows to avoid.
 */
function apiSslService(version: string): string {
  return listsServiceConnections(version) ? `[find where name=${quoted('api-ssl')} and dynamic=no]` : 'api-ssl';
}

export const LINES = {
  /** The RouterOS version, e.g. `7.19.4 (stable)`: which /ip/service shape to address. */
  version: ':put [/system resource get version]',
  /** How many certificates carry the wizard's name: 0 or 1 (names are unique on RouterOS). */
  count: `:put [:len ${CERT}]`,
  /** Its key usage (a list: `:put` prints it joined by `;`), to tell a broken leftover. */
  keyUsage: `:put [/certificate get ${CERT} key-usage]`,
  /** A leftover that lacks a required usage goes: re-signing it would fail the same way every time. */
  remove: `/certificate remove ${CERT}`,
  add: (host: string) =>
    `/certificate add name=${quoted(API_SSL_CERTIFICATE)} common-name=${quoted(commonNameFor(host))} ` +
    `days-valid=3650 key-usage=${API_SSL_KEY_USAGE}`,
  /** Without `ca=` RouterOS signs the certificate with its own key: self-signed. */
  sign: `/certificate sign ${CERT}`,
  /** 1 once the certificate has its key (signed), 0 while it is a template or being signed. */
  signed: `:put [:len ${SIGNED}]`,
  fingerprint: `:put [/certificate get ${CERT} fingerprint]`,
  assign: (version: string) => `/ip service set ${apiSslService(version)} certificate=${quoted(API_SSL_CERTIFICATE)}`,
  assigned: (version: string) => `:put [/ip service get ${apiSslService(version)} certificate]`,
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

/** A key-usage list as `:put` prints it (`a;b`); empty when none is set. Only usage words are accepted. */
export function readKeyUsage(output: string): Read<string> {
  const lines = linesOf(output);
  if (lines.length === 0) return { ok: true, value: '' };
  return lines.length === 1 && /^[a-z-]+([;,][a-z-]+)*$/.test(lines[0]!)
    ? { ok: true, value: lines[0]! }
    : { ok: false, said: said(output) };
}

export function readCount(output: string): Read<number> {
  const one = readOne(output, /^\d+$/);
  return one.ok ? { ok: true, value: Number(one.value) } : one;
}

/**
 * The certificate's fingerprint as the router prints it: SHA-256 on RouterOS 7 (64 hex digits,
 * terraform-routeros routeros/resource_system_certificate.go:12-35), SHA-1 on RouterOS 6 (40 hex;
 * the caller then compares it with the SHA-1 of what API-SSL shows, and pins that certificate's
 * SHA-256); nothing yet while the key is being made.
 */
export function readFingerprint(output: string): Read<string | undefined> {
  const lines = linesOf(output);
  if (lines.length === 0) return { ok: true, value: undefined };
  const one = readOne(output, /^[0-9A-Fa-f:]+$/);
  if (!one.ok) return one;
  const hex = one.value.replace(/:/g, '').toLowerCase();
  return fingerprintHash(hex) === undefined
    ? { ok: false, said: `a ${hex.length * 4}-bit fingerprint` }
    : { ok: true, value: hex };
}

/** Words that mean the account may not do this (RouterOS: "not enough permissions (9)"). */
export function isPermissionRefusal(text: string): boolean {
  return /not enough permissions/i.test(text);
}
