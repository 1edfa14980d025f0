/**
 * A client of the contract that answers from handlers the test gives it and
 * records every call. It speaks the renderer's Client interface, so the store
 * under test cannot tell it from the IPC or WebSocket client.
 */
import type { AppError, Result } from '../../../contract/errors';
import type { InputArg, OpName, Output, Progress } from '../../../contract/operations';
import type { CallOptions, Client } from '../../../renderer/src/api/client';

export type FakeHandler<K extends OpName> = (
  input: InputArg<K>,
  options: CallOptions<Progress<K>>,
) => Result<Output<K>> | Promise<Result<Output<K>>>;

export interface RecordedCall {
  op: OpName;
  input: unknown;
}

export class FakeClient implements Client {
  readonly calls: RecordedCall[] = [];
  private readonly handlers = new Map<OpName, (input: unknown, options: CallOptions<unknown>) => unknown>();

  on<K extends OpName>(op: K, handler: FakeHandler<K>): this {
    this.handlers.set(op, handler as (input: unknown, options: CallOptions<unknown>) => unknown);
    return this;
  }

  /** The inputs of every call of one operation, in order. */
  inputsOf<K extends OpName>(op: K): InputArg<K>[] {
    return this.calls.filter((c) => c.op === op).map((c) => c.input as InputArg<K>);
  }

  async call<K extends OpName>(
    op: K,
    input: InputArg<K>,
    options: CallOptions<Progress<K>> = {},
  ): Promise<Result<Output<K>>> {
    this.calls.push({ op, input });
    const handler = this.handlers.get(op);
    if (!handler) {
      return { ok: false, error: { code: 'not_available_yet', message: `The fake client has no ${op}.` } };
    }
    return (await handler(input, options as CallOptions<unknown>)) as Result<Output<K>>;
  }

  onError(_listener: (error: AppError) => void): () => void {
    return () => {};
  }
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const failed = (error: AppError): Result<never> => ({ ok: false, error });

/** A promise the test resolves when it chooses: to look at the store while a call is under way. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
