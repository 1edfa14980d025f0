/**
 * What this runtime's TLS library can do for a stock router. Node ships OpenSSL, which still has
 * anonymous Diffie-Hellman suites (at security level 0); Electron's Node is built on BoringSSL,
 * which removed them (process.versions.boringssl exists there). A stock api-ssl offers nothing
 * else (api.md "API over TLS"), so without ADH the only encrypted first contact is to give api-ssl
 * a certificate over the router's SSH (ssh-bootstrap/).
 */
import { createSecureContext } from 'node:tls';

export interface TlsCapability {
  /** The runtime can offer anonymous-DH suites (connect unverified, make a certificate over that session). */
  anonymousDh: boolean;
  /** Which library answered: for the log and `app.info`. */
  library: 'openssl' | 'boringssl';
  /**
   * The cipher list to offer on a pinned API-SSL connection; undefined = the library's default.
   * Tests set it to BoringSSL's list to run the desktop's path on Node.
   */
  ciphers?: string;
}

/** Asks the library itself: a context with only ADH suites is refused where there are none. */
export function detectTlsCapability(versions: NodeJS.ProcessVersions = process.versions): TlsCapability {
  if ('boringssl' in versions) return { anonymousDh: false, library: 'boringssl' };
  try {
    createSecureContext({ ciphers: 'ADH:@SECLEVEL=0' });
    return { anonymousDh: true, library: 'openssl' };
  } catch {
    return { anonymousDh: false, library: 'openssl' };
  }
}

/**
 * BoringSSL's TLS 1.2 suites with a certificate (google/boringssl ssl/ssl_cipher.cc `kCiphers`:
 * ECDHE-ECDSA/RSA with AES-GCM, ChaCha20 and AES-CBC, RSA key exchange, ECDHE-PSK; the PSK-only
 * ones a router never answers are left out), in OpenSSL's names so Node accepts them; TLS 1.3
 * stays on as in BoringSSL. `kCiphers` holds no anonymous (aNULL) suite at all. Used by tests to
 * give Node the desktop's client.
 */
export const BORINGSSL_CLIENT_CIPHERS =
  'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:' +
  'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:' +
  'ECDHE-PSK-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:' +
  'ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA256:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA';

/** The desktop app's TLS, for tests on Node: no anonymous suites, BoringSSL's list. */
export const BORINGSSL_LIKE: TlsCapability = {
  anonymousDh: false,
  library: 'boringssl',
  ciphers: BORINGSSL_CLIENT_CIPHERS,
};
