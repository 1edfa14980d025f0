/**
 * Electron's safeStorage as the store's SecretBox. On Linux without a keyring
 * Electron falls back to a fixed, well-known key ("basic_text"): that is clear
 * text in disguise, so it counts as no keychain at all.
 */
import { safeStorage } from 'electron';
import type { SecretBox } from '../store/types';

export function keychainUsable(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (process.platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    return backend !== 'basic_text' && backend !== 'unknown';
  }
  return true;
}

export const safeStorageBox: SecretBox = {
  available: keychainUsable,
  encrypt: (plain) => safeStorage.encryptString(plain),
  decrypt: (cipher) => safeStorage.decryptString(cipher),
};
