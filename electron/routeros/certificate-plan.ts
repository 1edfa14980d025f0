/**
 * One plan for giving a stock router's api-ssl a self-signed certificate, shared by the two ways
 * that carry it out: over the API (certificate.ts, 'make-certificate') and over SSH
 * (ssh-bootstrap/). Pure: names, key usage, what to do with what is found, how long to wait,
 * which /ip/service row is the service, and which hash a fingerprint is.
 *
 * Sources: https://help.mikrotik.com/docs/display/ROS/Certificates (templates, `sign` without
 * `ca=` is self-signed, the default key-usage includes key-cert-sign); field reports that a
 * template without key-cert-sign cannot sign itself: "`/certificate/sign <leaf>` without `ca=`
 * fails with 'failure: CA not found'" for key-usage=tls-server (a public CHR script, RouterOS
 * 7.23.3) and "mth-https has server-only key usage and cannot self-sign. If the server template
 * already exists after an earlier failed signing attempt…" (vesslina/mikrotik-harness README.md).
 */

/** An owned, ASCII name (see script.ts for why owned names are ASCII). */
export const API_SSL_CERTIFICATE = 'fspbx-api-ssl';

/**
 * What the certificate may do. A self-signed one needs key-cert-sign to sign itself ("CA not
 * found" otherwise, above); a TLS server answering ECDHE-RSA needs digital-signature, which
 * BoringSSL checks on the server's certificate (google/boringssl ssl/ssl_cert.cc
 * ssl_cert_check_key_usage); tls-server is the extended usage.
 */
export const API_SSL_KEY_USAGE = 'digital-signature,key-encipherment,key-cert-sign,tls-server';

/** Without these a certificate of ours is a broken leftover: it cannot sign itself, or BoringSSL refuses it. */
export const REQUIRED_KEY_USAGE = ['key-cert-sign', 'digital-signature'] as const;

/**
 * `sign` may answer before the key exists, and an RSA key takes up to a couple of minutes on a small
 * board (../shared reference routeros.md): read back at most this many times, this far apart.
 */
export const SIGN_POLL = { tries: 24, everyMs: 5_000 } as const;
/** The `sign` command itself (it may also answer only once the key is made). */
export const SIGN_TIMEOUT_MS = 180_000;

/** The usages a router prints: `a,b` over the API, `a;b` from a scripting `:put` of the list. */
export function keyUsageOf(text: string): string[] {
  return text
    .split(/[,;]/)
    .map((u) => u.trim())
    .filter((u) => u !== '');
}

/** The required usages a certificate lacks (empty when it is fit). */
export function missingKeyUsage(text: string): string[] {
  const has = new Set(keyUsageOf(text));
  return REQUIRED_KEY_USAGE.filter((u) => !has.has(u));
}

/** What the router holds under the wizard's name: its key usage and whether it has its key. */
export interface FoundCertificate {
  keyUsage: string;
  signed: boolean;
}

/**
 * The next step from what is found:
 * - `add`: nothing there; add the template, then sign it;
 * - `replace`: a leftover that lacks a required usage (an earlier attempt's `tls-server` template,
 *   or one signed so): re-signing it would fail, or serve a certificate BoringSSL refuses, on every
 *   retry; remove it, add it afresh, sign;
 * - `sign`: a fit template not signed yet (an attempt cut short): sign it;
 * - `use`: fit and signed: nothing to make.
 */
export type CertificateStep = 'add' | 'replace' | 'sign' | 'use';

export function certificateStep(found: FoundCertificate | undefined): CertificateStep {
  if (found === undefined) return 'add';
  if (missingKeyUsage(found.keyUsage).length > 0) return 'replace';
  return found.signed ? 'use' : 'sign';
}

/**
 * From 7.19, /ip/service also prints live connections as dynamic rows, and `name` is no longer
 * unique (terraform-routeros/terraform-provider-routeros PR #897: "7.19 introduced 'dynamic'
 * services & connections there, and `name` is no longer … unique"; community.routeros issue #372;
 * https://manual.mikrotik.com/docs/cli-reference/ip/service/ flags D dynamic, c connection).
 */
export function listsServiceConnections(version: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!m) return true; // unknown: assume the newer shape, whose selector also fits the old one
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 7 || (major === 7 && minor >= 19);
}

/**
 * The service's own row among what `/ip/service/print ?name=<name>` returned: the one that is not
 * dynamic (a live connection is printed with the service's name, flag D). Undefined when there is
 * none or more than one, which the caller refuses rather than guess.
 */
export function staticServiceRow<T extends Record<string, string>>(rows: readonly T[], name: string): T | undefined {
  const own = rows.filter((r) => r.name === name && r.dynamic !== 'true');
  return own.length === 1 ? own[0] : undefined;
}

/**
 * Which hash a fingerprint the router printed is: RouterOS 7 prints SHA-256 (64 hex;
 * terraform-routeros routeros/resource_system_certificate.go:12-35); RouterOS 6 may print SHA-1
 * (40 hex; wiki.mikrotik.com Manual:System/Certificates, v6: "All certificate fingerprints are SHA1").
 */
export type FingerprintHash = 'sha1' | 'sha256';

export function fingerprintHash(hex: string): FingerprintHash | undefined {
  if (/^[0-9a-f]{64}$/.test(hex)) return 'sha256';
  if (/^[0-9a-f]{40}$/.test(hex)) return 'sha1';
  return undefined;
}
