/**
 * Secrets out of anything the wizard keeps from the PBX. The generated
 * sofia.conf carries every trunk's password (`<param name="password" …>`,
 * nemerald-voip/fspbx sofia.conf.lua:134-217), config.conf and .env carry the
 * database password, and error text may quote any of them. Whatever fs_cli or
 * psql printed passes through here before it is put in a record. What a secret
 * is, and how it is found in text, is the contract's one definition
 * (contract/secrets.ts). Pure.
 */
import { redactText } from '../../../contract/secrets';

export function scrubSecrets(text: string): string {
  return redactText(text);
}
