import type { AppError, Result } from '../../../contract/errors';

/** The state of one call the UI waits on. */
export type Load<T> =
  { status: 'idle' } | { status: 'loading' } | { status: 'done'; value: T } | { status: 'error'; error: AppError };

export const idle = { status: 'idle' } as const;
export const loading = { status: 'loading' } as const;

export function settled<T>(result: Result<T>): Load<T> {
  return result.ok ? { status: 'done', value: result.value } : { status: 'error', error: result.error };
}

/** A certificate or host key the technician must look at before anything is sent. */
export interface KeyPrompt {
  fingerprint: string;
  /** It differs from the one accepted before: possibly an attack. */
  changed: boolean;
  message: string;
}

export function keyPrompt(load: Load<unknown>): KeyPrompt | undefined {
  if (load.status !== 'error') return undefined;
  const { code, fingerprint, message } = load.error;
  if ((code === 'host_key_unknown' || code === 'host_key_changed') && fingerprint) {
    return { fingerprint, changed: code === 'host_key_changed', message };
  }
  return undefined;
}
