/**
 * The messages every transport carries. Electron IPC and the browser-mode
 * WebSocket move the same messages; only the pipe differs.
 */
import { z } from 'zod';
import type { AppError, Result } from './errors';

export const callId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const clientMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), id: callId, op: z.string().max(64), input: z.unknown() }).strict(),
  z.object({ kind: z.literal('cancel'), id: callId }).strict(),
]);

export type ClientMessage = z.infer<typeof clientMessage>;

export type ServerMessage =
  | { kind: 'progress'; id: string; event: unknown }
  | { kind: 'result'; id: string; result: Result<unknown> }
  | { kind: 'error'; error: AppError };

/** Largest message a transport accepts; plans and bundles travel as paths, not blobs. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
