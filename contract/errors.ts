/**
 * Errors are values: a code for programs, a sentence for the technician and
 * the detail for the log. The UI shows `message`; bundles keep `detail`.
 */
export const ERROR_CODES = [
  'invalid_input',
  'unknown_operation',
  'not_available_yet',
  'cancelled',
  'unauthorized',
  'transport_closed',
  'host_unreachable',
  'timeout',
  'auth_failed',
  'host_key_changed',
  'host_key_unknown',
  /** API-SSL without a certificate on the router: only anonymous encryption is on offer. */
  'no_certificate',
  'permission_denied',
  'io_failed',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppError {
  code: ErrorCode;
  /** One sentence a technician can act on. */
  message: string;
  /** What went wrong underneath, for the log and the bundle. */
  detail?: string;
  /** For invalid_input: the dotted path of the field that is wrong. */
  field?: string;
  /** A fingerprint for the technician to compare and accept (host_key_unknown, host_key_changed). */
  fingerprint?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = <T = never>(error: AppError): Result<T> => ({ ok: false, error });

/**
 * Carries an AppError through async code that would otherwise need every
 * layer to unwrap results. The dispatcher turns it back into a value.
 */
export class Failure extends Error {
  readonly error: AppError;
  constructor(error: AppError) {
    super(error.message);
    this.name = 'Failure';
    this.error = error;
  }
}

export function fail(code: ErrorCode, message: string, detail?: string): never {
  throw new Failure(detail === undefined ? { code, message } : { code, message, detail });
}

export function isAppError(value: unknown): value is AppError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' && (ERROR_CODES as readonly string[]).includes(v.code) && typeof v.message === 'string'
  );
}

/** Anything caught becomes an AppError; unknown throws keep their stack as detail only. */
export function toAppError(caught: unknown): AppError {
  if (caught instanceof Failure) return caught.error;
  if (isAppError(caught)) return caught;
  const detail = caught instanceof Error ? (caught.stack ?? `${caught.name}: ${caught.message}`) : String(caught);
  return {
    code: 'internal',
    message: 'The wizard hit an unexpected problem. Nothing further was changed; the log has the details.',
    detail,
  };
}

/**
 * Settles as soon as the caller gives up: an aborted signal rejects at once
 * with a 'cancelled' error, while the work itself winds down on its own (its
 * connection closes when it finishes or times out).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  const cancelled = () => new Failure({ code: 'cancelled', message: 'Stopped: nothing further was read or changed.' });
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(cancelled());
  }
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(cancelled());
    signal.addEventListener('abort', stop, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', stop);
        resolve(value);
      },
      (caught: unknown) => {
        signal.removeEventListener('abort', stop);
        reject(caught);
      },
    );
  });
}
