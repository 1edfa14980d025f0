/**
 * Secrets never leave memory: inputs are stored and exported with every
 * password, passphrase and private key replaced. The definition of a secret
 * is the contract's (contract/secrets.ts), one for the whole app. Pure.
 */
import { REDACTED, redactDeep } from '../../contract/secrets';

export { REDACTED };

export function redactSecrets<T>(value: T): T {
  return redactDeep(value);
}
