/**
 * Binds the contract to its handlers without knowing the transport: checks
 * the operation name, validates the input, runs the handler with a progress
 * sink and an abort signal, and turns every outcome into a Result value.
 */
import type { z } from 'zod';
import { contract, isOpName, type Input, type OpName, type Output, type Progress } from '../../contract/operations';
import { err, ok, toAppError, type AppError, type Result } from '../../contract/errors';

export interface CallContext<P> {
  progress: (event: P) => void;
  signal: AbortSignal;
}

export type Handler<K extends OpName> = (input: Input<K>, ctx: CallContext<Progress<K>>) => Promise<Output<K>>;

export type Handlers = { [K in OpName]: Handler<K> };

export interface Logger {
  error(message: string, detail?: unknown): void;
}

export interface Dispatcher {
  call(op: unknown, input: unknown, ctx: CallContext<unknown>): Promise<Result<unknown>>;
}

export function invalidInput(issues: z.core.$ZodIssue[]): AppError {
  const first = issues[0];
  const field = first && first.path.length > 0 ? first.path.map(String).join('.') : undefined;
  const where = field ? ` (${field})` : '';
  const error: AppError = {
    code: 'invalid_input',
    message: `${first?.message ?? 'The input is not valid.'}${where}`,
    detail: issues.map((i) => `${i.path.map(String).join('.') || '<input>'}: ${i.message}`).join('; '),
  };
  if (field !== undefined) error.field = field;
  return error;
}

export function createDispatcher(handlers: Handlers, log?: Logger): Dispatcher {
  return {
    async call(op, input, ctx) {
      if (!isOpName(op)) {
        return err({
          code: 'unknown_operation',
          message: 'This wizard does not know that operation; the app and its window may be different versions.',
          detail: `op=${String(op).slice(0, 64)}`,
        });
      }
      const parsed = contract[op].input.safeParse(input ?? {});
      if (!parsed.success) return err(invalidInput(parsed.error.issues));
      if (ctx.signal.aborted) return err({ code: 'cancelled', message: 'Cancelled before it started.' });
      try {
        const handler = handlers[op] as Handler<OpName>;
        const value = await handler(parsed.data as Input<OpName>, ctx as CallContext<Progress<OpName>>);
        return ok(value);
      } catch (caught) {
        if (ctx.signal.aborted) return err({ code: 'cancelled', message: 'Cancelled by the technician.' });
        const error = toAppError(caught);
        // A storage fault's detail (SQLite's or the system's own words) is the log's too: the sentence is for the technician.
        if (error.code === 'internal' || error.code === 'io_failed') log?.error(`operation ${op} failed`, error.detail);
        return err(error);
      }
    },
  };
}
