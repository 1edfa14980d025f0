/**
 * Commit-confirmed on the router: a script holding the rollback and a
 * scheduler that runs it N minutes after the apply unless the technician
 * confirms (confirm = remove both). The router's own clock decides when, so
 * the caller passes the time the router reported. Pure.
 */
import { MENUS } from './menus';
import { err, ok, type AppError, type Result } from '../../contract/errors';
import type { Warning } from '../../contract/types';
import { applyToState } from './apply-state';
import { tagComment, type RouterChange } from './change';
import type { RouterPlan } from './plan';
import { planRouterRestore } from './restore';
import { grouped, linesSource, packBlocks, REVERT_SCRIPT_BYTES, sourceBytes, type RevertScript } from './revert-chunks';
import { rosString, rscBlocks, rscComment } from './script';
import type { RouterState } from './state';

export const REVERT_NAME = 'fspbx-nat-revert';

/** The name of part `part` (from 1) of a revert too long for one script (revert-chunks.ts). */
export function revertPartName(part: number): string {
  return `${REVERT_NAME}-${part}`;
}

/** Whether a script is a part of the revert job: confirm removes it with the job. */
export function isRevertPart(name: string): boolean {
  return /^fspbx-nat-revert-[1-9][0-9]*$/.test(name);
}

/**
 * Revert scripts on a router whose timer is gone (the caller found none): left by an earlier
 * install whose take-back never reached the router. They can never run, and a new install of
 * the same names would be refused by the router in words the technician cannot act on.
 */
export function leftoverRevert(scriptNames: readonly string[]): AppError | undefined {
  const left = scriptNames.filter((name) => name === REVERT_NAME || isRevertPart(name));
  if (left.length === 0) return undefined;
  return {
    code: 'invalid_input',
    message: `The router still holds the automatic revert's scripts of an earlier apply, with no timer to run them (${left.join(', ')}): remove them in System › Scripts, then apply again.`,
  };
}
/**
 * What the revert job really needs: it finds (read) and adds, sets, removes and moves firewall,
 * NAT, address-list and service-port items and removes its own scheduler and script (write). Not
 * `policy` (user management), not `test` (ping, fetch), not `sensitive`
 * (https://manual.mikrotik.com/docs/cli-reference/user/group.md). A scheduler runs with the
 * policies in its `policy`, and a script it calls by name must not need more
 * (https://manual.mikrotik.com/docs/system-information-and-utilities/scheduler.md, "Permissions"),
 * so script and scheduler carry the same two, which the installing user must hold.
 */
export const REVERT_POLICIES = ['read', 'write'] as const;
const POLICY = REVERT_POLICIES.join(',');

/**
 * /system/clock as printed: date 2026-11-25 (RouterOS ≥ 7.10) or nov/25/2026 (older), time 08:40:00,
 * both the router's local time; its zone (`time-zone-name`, an IANA name or `manual`) and its
 * offset now (`gmt-offset`, printed `+03:00`; scripts get seconds) when it says them
 * (https://manual.mikrotik.com/docs/cli-reference/system/clock.md).
 */
export interface RouterClock {
  date: string;
  time: string;
  zone?: string;
  gmtOffset?: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Minutes east of UTC from `+03:00`, `-05:30` or seconds (`10800`); 0 when absent. */
function offsetOf(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return 0;
  const hm = /^([+-])(\d{1,2}):(\d{2})$/.exec(text);
  if (hm) return (hm[1] === '-' ? -1 : 1) * (Number(hm[2]) * 60 + Number(hm[3]));
  if (/^-?\d+$/.test(text)) return Math.round(Number(text) / 60);
  return undefined;
}

function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** A formatter for an IANA zone the router named, or undefined (`manual`, unknown to this machine). */
function zoneFormat(zone: string | undefined): Intl.DateTimeFormat | undefined {
  if (!zone || zone === 'manual') return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch {
    return undefined;
  }
}

/** The wall time at instant `ms` in the zone, as if it were UTC (ms), to read with getUTC*. */
function wallAt(format: Intl.DateTimeFormat, ms: number): number {
  const part = (type: string): number => Number(format.formatToParts(new Date(ms)).find((p) => p.type === type)?.value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
}

/**
 * The router's clock `minutes` later, in its own zone and date format. A DST change in between
 * moves the wall time as the router's will move. A wall time that comes twice (the hour repeated
 * when DST ends) is not one the scheduler can be trusted with: no public source says which of
 * the two RouterOS takes, and taking the first would revert early; such a time is moved past the
 * repeated hour (later, never earlier). A `manual` zone keeps its offset.
 */
export function addMinutes(clock: RouterClock, minutes: number): Result<RouterClock> {
  const time = /^(\d{2}):(\d{2}):(\d{2})$/.exec(clock.time);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(clock.date);
  const old = /^([a-z]{3})\/(\d{2})\/(\d{4})$/.exec(clock.date);
  const offset = offsetOf(clock.gmtOffset);
  if (!time || (!iso && !old) || (old && !MONTHS.includes(old[1]!)) || offset === undefined) {
    return err({ code: 'invalid_input', message: 'The router reported a clock the wizard cannot read.' });
  }
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]) - 1, Number(iso[3])]
    : [Number(old![3]), MONTHS.indexOf(old![1]!), Number(old![2])];
  const wallNow = Date.UTC(year, month, day, Number(time[1]), Number(time[2]), Number(time[3]));
  let target = Math.floor((wallNow - offset * 60_000 + minutes * 60_000) / 1000) * 1000;
  const format = zoneFormat(clock.zone);
  let wall = target + offset * 60_000;
  let newOffset = offset;
  if (format) {
    wall = wallAt(format, target);
    const [before, after] = [
      wallAt(format, target - 86_400_000) - (target - 86_400_000),
      wallAt(format, target + 86_400_000) - (target + 86_400_000),
    ];
    // The same wall time an instant ago by the larger offset: then `target` is its second coming.
    if (before > after && wall - before < target && wallAt(format, wall - before) === wall) {
      target += before - after;
      wall = wallAt(format, target);
    }
    newOffset = Math.round((wall - target) / 60_000);
  }
  const at = new Date(wall);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const date = iso
    ? `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`
    : `${MONTHS[at.getUTCMonth()]}/${pad(at.getUTCDate())}/${at.getUTCFullYear()}`;
  return ok({
    date,
    time: `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`,
    ...(clock.zone === undefined ? {} : { zone: clock.zone }),
    ...(clock.gmtOffset === undefined ? {} : { gmtOffset: formatOffset(newOffset) }),
  });
}

/**
 * The rollback of a plan, computed before it is applied: the restore from the
 * predicted state back to `before`. Items the plan adds are found by their
 * tag, so the script works although their ids are not known yet.
 */
export function rollbackOf(before: RouterState, plan: RouterPlan): Result<RouterPlan> {
  const predicted = applyToState(before, plan.changes);
  if (!predicted.ok) {
    return err({
      code: 'internal',
      message: 'The plan does not apply to the state it was made from.',
      detail: predicted.message,
    });
  }
  return ok(planRouterRestore(before, predicted.state, 'inverse-of-plan'));
}

/**
 * What the plan shows of its automatic revert before anything is sent: how many bytes, in how
 * many scripts (router.revert), or why it cannot be installed (a warning; the apply would stop
 * before its first change). Nothing to change, nothing to revert.
 */
export function revertPreview(
  before: RouterState,
  changes: readonly RouterChange[],
): { fact: string } | { warning: Warning } | undefined {
  if (changes.length === 0) return undefined;
  const rollback = rollbackOf(before, { changes: [...changes], warnings: [], facts: {} });
  if (!rollback.ok) return undefined;
  const layout = revertLayout(rollback.value.changes);
  if (!layout.ok) return { warning: { code: 'revert-too-large', message: layout.error.message, target: 'router' } };
  const { scripts, bytes } = layout.value;
  if (scripts.length === 1) return { fact: `${grouped(bytes)} bytes in one script, run by one timer` };
  return {
    fact: `${grouped(bytes)} bytes in ${scripts.length - 1} parts of at most ${grouped(REVERT_SCRIPT_BYTES)} bytes, run in order by one timer`,
  };
}

export interface RevertInstall {
  /** The adds to send before the first change: the parts (if any), the script the timer runs, the timer. */
  changes: RouterChange[];
  /** The source of the script the timer runs, as the router will hold it. */
  source: string;
  /** Every script written, in the order added, to read back before the timer is set. */
  scripts: RevertScript[];
  /** When the router will run it, on its own clock. */
  revertAt: RouterClock;
}

export interface RevertLayout {
  /** The scripts in the order they are added: the parts (if any), then the one the timer runs. */
  scripts: RevertScript[];
  /** Bytes of all of them together. */
  bytes: number;
}

const TIMER_OFF = `/system scheduler remove [find where name=${rosString(REVERT_NAME)}]`;
const REVERTED = `:log warning ${rosString('fspbx-nat: change not confirmed, router reverted')}`;
const removeScript = (name: string): string => `/system script remove [find where name=${rosString(name)}]`;

/**
 * The scripts that hold `rollback`. One script when it fits within `limit` bytes; otherwise the
 * steps go, whole and in order, into parts of at most `limit` bytes each, and the script the
 * timer runs removes the timer, runs each part in turn (one that fails is logged and the next
 * still runs, as each step is), then removes the parts and itself.
 */
export function revertLayout(rollback: readonly RouterChange[], limit = REVERT_SCRIPT_BYTES): Result<RevertLayout> {
  const blocks = rscBlocks(rollback, { continueOnError: true });
  if (!blocks.ok) return blocks;
  // The timer goes first so the revert runs once even if a step fails.
  const single = linesSource([
    TIMER_OFF,
    rscComment('fspbx-nat: automatic revert'),
    ...blocks.value.flat(),
    REVERTED,
    removeScript(REVERT_NAME),
  ]);
  if (sourceBytes(single) <= limit)
    return ok({ scripts: [{ name: REVERT_NAME, source: single }], bytes: sourceBytes(single) });
  const parts = packBlocks(
    blocks.value,
    (part) => rscComment(`fspbx-nat: automatic revert, part ${part}, run in order by ${REVERT_NAME}`),
    limit,
  );
  if (!parts.ok) return parts;
  const names = parts.value.map((_, i) => revertPartName(i + 1));
  const runner = linesSource([
    TIMER_OFF,
    rscComment(`fspbx-nat: automatic revert in ${names.length} parts, run in order`),
    ...names.map(
      (name) =>
        `:do { /system script run ${name} } on-error={ :log warning ${rosString(`fspbx-nat: ${name} failed`)} }`,
    ),
    REVERTED,
    ...names.map(removeScript),
    removeScript(REVERT_NAME),
  ]);
  if (sourceBytes(runner) > limit) {
    return err({
      code: 'invalid_input',
      message: `The automatic revert would need ${names.length} scripts, too many to run from one; plan fewer phones or trunks per apply.`,
    });
  }
  const scripts = [
    ...parts.value.map((source, i) => ({ name: names[i]!, source })),
    { name: REVERT_NAME, source: runner },
  ];
  return ok({ scripts, bytes: scripts.reduce((sum, script) => sum + sourceBytes(script.source), 0) });
}

export function revertInstall(
  rollback: readonly RouterChange[],
  clock: RouterClock,
  minutes: number,
): Result<RevertInstall> {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
    return err({
      code: 'invalid_input',
      field: 'options.revertMinutes',
      message: 'The revert delay must be 1 minute or more.',
    });
  }
  const at = addMinutes(clock, minutes);
  if (!at.ok) return at;
  const layout = revertLayout(rollback);
  if (!layout.ok) return layout;
  const scripts = layout.value.scripts;
  const source = scripts.at(-1)!.source;
  const parts = scripts.slice(0, -1).map((script, i): RouterChange => ({
    id: `revert-script-${i + 1}`,
    target: 'router',
    path: MENUS.scripts,
    action: 'add',
    before: null,
    after: {
      name: script.name,
      comment: tagComment('revert part'),
      policy: POLICY,
      'dont-require-permissions': 'no',
      source: script.source,
    },
    reason: `Holds part ${i + 1} of ${scripts.length - 1} of the commands that undo this apply (one script would be too long).`,
  }));
  // The timer is added last: it never runs while a part is missing.
  const changes: RouterChange[] = [
    ...parts,
    {
      id: 'revert-script',
      target: 'router',
      path: MENUS.scripts,
      action: 'add',
      before: null,
      after: {
        name: REVERT_NAME,
        comment: tagComment('revert'),
        policy: POLICY,
        'dont-require-permissions': 'no',
        source,
      },
      reason: 'Holds the commands that undo this apply, for the automatic revert.',
    },
    {
      id: 'revert-scheduler',
      target: 'router',
      path: MENUS.schedulers,
      action: 'add',
      before: null,
      after: {
        name: REVERT_NAME,
        comment: tagComment('revert timer'),
        'start-date': at.value.date,
        'start-time': at.value.time,
        interval: `${minutes}m`,
        'on-event': `/system script run ${REVERT_NAME}`,
        policy: POLICY,
      },
      reason: `Reverts the router by itself at ${at.value.date} ${at.value.time} (router clock) unless the change is confirmed.`,
    },
  ];
  return ok({ changes, source, scripts, revertAt: at.value });
}

/** "Confirm": remove the timer first, then the script, then each part found on the router. */
export function revertConfirm(parts: readonly string[] = []): RouterChange[] {
  const targets = [
    [MENUS.schedulers, REVERT_NAME],
    [MENUS.scripts, REVERT_NAME],
    ...parts.filter(isRevertPart).map((name) => [MENUS.scripts, name] as const),
  ] as const;
  return targets.map(([path, name], index) => ({
    id: `confirm-${index + 1}`,
    target: 'router',
    path,
    action: 'remove',
    match: { name },
    before: { name },
    after: null,
    reason:
      path === MENUS.schedulers
        ? 'The technician confirmed: the automatic revert is called off.'
        : name === REVERT_NAME
          ? 'The revert script is no longer needed.'
          : 'This part of the revert script is no longer needed.',
  }));
}

/**
 * Takes back what one install added after the apply could not go on: only the items whose ids
 * the router returned for this install's adds, timer first. Never by name: a job of the same name
 * may be another apply's, armed a moment earlier, and removing it would leave that apply unguarded.
 */
export function revertUninstall(added: readonly { id: string; status: string; itemId?: string }[]): RouterChange[] {
  const mine = added.filter((o) => o.status === 'applied');
  const parts = mine.flatMap((o) => {
    const part = /^revert-script-([1-9][0-9]*)$/.exec(o.id);
    return part ? [[MENUS.scripts, o.id, o.itemId, revertPartName(Number(part[1]))] as const] : [];
  });
  return (
    [
      [MENUS.schedulers, 'revert-scheduler', mine.find((o) => o.id === 'revert-scheduler')?.itemId, REVERT_NAME],
      [MENUS.scripts, 'revert-script', mine.find((o) => o.id === 'revert-script')?.itemId, REVERT_NAME],
      ...parts.reverse(),
    ] as const
  ).flatMap(([path, id, itemId, name]) =>
    itemId === undefined
      ? []
      : [
          {
            id: id.replace(/^revert-/, 'uninstall-'),
            target: 'router' as const,
            path,
            action: 'remove' as const,
            itemId,
            before: { name },
            after: null,
            reason: 'The apply could not go on: the revert job it had just installed is taken back.',
          },
        ],
  );
}
