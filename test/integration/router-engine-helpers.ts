/** Shared by the router engine tests: router state and export compared without counters or clock stamps. */
import type { RouterConnection } from '../../electron/routeros/connection';
import type { RosItem, RouterState } from '../../electron/routeros/state';

/** Fields that move on their own (traffic counters, scheduler bookkeeping): not part of "the same state". */
const MOVING = new Set(['bytes', 'packets', 'run-count', 'next-run', 'last-started']);

export function comparableState(state: RouterState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) {
    out[key] = Array.isArray(value)
      ? (value as RosItem[]).map((item) => Object.fromEntries(Object.entries(item).filter(([f]) => !MOVING.has(f))))
      : value;
  }
  return out;
}

/** The router's own /export, without its date-stamped first line. */
export async function comparableExport(conn: RouterConnection): Promise<string> {
  const rows = await conn.command('/export');
  const text = rows.map((r) => r.ret ?? '').join('');
  if (!text.includes('/ip firewall')) throw new Error('the router returned no export');
  return text.replace(/^# .* by RouterOS .*\n/m, '');
}
