/**
 * Secrets never leave memory: inputs are stored and exported with every
 * password, passphrase and private key replaced. Pure.
 */
const SECRET_KEYS = new Set(['password', 'passphrase', 'privatekey', 'sudopassword', 'secret', 'token']);

export const REDACTED = '[redacted]';

export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEYS.has(key.toLowerCase()) && typeof v === 'string' ? REDACTED : redactSecrets(v);
  }
  return out as T;
}
