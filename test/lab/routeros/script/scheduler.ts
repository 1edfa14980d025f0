/**
 * /system/scheduler: fires `on-event` (a script name, or script source) at
 * start-date + start-time and then every `interval`. Start and next-run are
 * the router's local time (model/clock.ts). Occurrences already in the past
 * when an entry is first seen (or changed) are not fired, as on RouterOS.
 */
import type { Actor, RouterModel, StoredItem } from '../model/router';
import { localDateTime, localToEpoch, type SimClock } from '../model/clock';
import { parseDate, parseDurationMs } from '../model/values';
import type { ScriptRunner } from './runner';

const TICK_MS = 250;

/** Start of the schedule in ms since the epoch, or undefined for `startup`/unparsable entries. */
export function scheduleStart(
  fields: Readonly<Record<string, string>>,
  startupAt: number,
  zone = 'UTC',
): number | undefined {
  const time = fields['start-time'];
  if (time === undefined || time === 'startup') return startupAt;
  const date = parseDate(fields['start-date'] ?? '');
  const m = /^(\d{2}):(\d{2}):(\d{2})$/.exec(time);
  if (!date || !m) return undefined;
  return localToEpoch(date, time, zone);
}

/** Latest occurrence at or before `now`, if any. */
export function latestOccurrence(start: number, intervalMs: number, now: number): number | undefined {
  if (now < start) return undefined;
  if (intervalMs <= 0) return start;
  return start + Math.floor((now - start) / intervalMs) * intervalMs;
}

export function nextOccurrence(start: number, intervalMs: number, now: number): number | undefined {
  if (now < start) return start;
  if (intervalMs <= 0) return undefined;
  return start + (Math.floor((now - start) / intervalMs) + 1) * intervalMs;
}

export function formatClock(ms: number, clock?: SimClock): string {
  if (!clock) return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  const local = localDateTime(clock, ms);
  return `${local.date} ${local.time}`;
}

export function nextRunText(
  fields: Readonly<Record<string, string>>,
  clock: SimClock,
  startupAt: number,
): string | undefined {
  if (fields.disabled === 'true') return undefined;
  const start = scheduleStart(fields, startupAt, clock.zone);
  if (start === undefined) return undefined;
  const next = nextOccurrence(start, parseDurationMs(fields.interval ?? '0s') ?? 0, clock.now());
  return next === undefined ? undefined : formatClock(next, clock);
}

interface Tracked {
  key: string;
  lastFired: number;
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private readonly tracked = new Map<number, Tracked>();
  constructor(
    private readonly model: RouterModel,
    private readonly scripts: ScriptRunner,
    private readonly startupAt: number,
    private readonly clock: SimClock = { now: () => Date.now(), zone: 'UTC', oldDates: false },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(this.clock.now()), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.scripts.stopAll();
  }

  /** One scheduling pass; exposed so tests can drive the clock. */
  tick(now: number): void {
    const seen = new Set<number>();
    for (const item of this.model.items('/system/scheduler')) {
      seen.add(item.id);
      const f = item.fields;
      const interval = parseDurationMs(f.interval ?? '0s') ?? 0;
      const key = `${f['start-date']}|${f['start-time']}|${f.interval}|${f.disabled}`;
      const start = scheduleStart(f, this.startupAt, this.clock.zone);
      const latest = start === undefined ? undefined : latestOccurrence(start, interval, now);
      const t = this.tracked.get(item.id);
      if (!t || t.key !== key) {
        // First sight or changed: past occurrences do not fire; `startup` fires once at start-up.
        const atBoot = f['start-time'] === 'startup' && !t && now - this.startupAt < 5000;
        const baseline = atBoot ? -Infinity : (latest ?? -Infinity);
        this.tracked.set(item.id, { key, lastFired: baseline });
        if (baseline !== -Infinity || latest === undefined) continue;
      }
      const tr = this.tracked.get(item.id)!;
      if (f.disabled === 'true' || latest === undefined || latest <= tr.lastFired) continue;
      tr.lastFired = latest;
      void this.fire(item);
    }
    for (const id of this.tracked.keys()) if (!seen.has(id)) this.tracked.delete(id);
  }

  private async fire(item: StoredItem): Promise<void> {
    const f = item.fields;
    this.model.touch('/system/scheduler', item.id, { 'run-count': String(Number(f['run-count'] ?? '0') + 1) });
    const policies = new Set((f.policy ?? '').split(',').filter((p) => p !== ''));
    const actor: Actor = { name: f.owner ?? 'admin', policies };
    const event = (f['on-event'] ?? '').trim();
    const isScriptName = this.model.items('/system/script').some((s) => s.fields.name === event);
    if (isScriptName) await this.scripts.runByRef(event, actor);
    else await this.scripts.runSource(event, actor);
  }
}
