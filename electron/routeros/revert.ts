/**
 * Commit-confirmed on the router: a script holding the rollback and a
 * scheduler that runs it N minutes after the apply unless the technician
 * confirms (confirm = remove both). The router's own clock decides when, so
 * the caller passes the time the router reported. Pure.
 */
import { err, ok, type Result } from '../../contract/errors';
import { applyToState } from './apply-state';
import { tagComment, type RouterChange } from './change';
import type { RouterPlan } from './plan';
import { planRouterRestore } from './restore';
import { renderRsc, rosString } from './script';
import type { RouterState } from './state';

export const REVERT_NAME = 'fspbx-nat-revert';
const POLICY = 'read,write,policy,test';

/** /system/clock as printed: date 2026-11-25 (RouterOS ≥ 7.10) or nov/25/2026 (older), time 08:40:00. */
export interface RouterClock {
  date: string;
  time: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function addMinutes(clock: RouterClock, minutes: number): Result<RouterClock> {
  const time = /^(\d{2}):(\d{2}):(\d{2})$/.exec(clock.time);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(clock.date);
  const old = /^([a-z]{3})\/(\d{2})\/(\d{4})$/.exec(clock.date);
  if (!time || (!iso && !old) || (old && !MONTHS.includes(old[1]!))) {
    return err({ code: 'invalid_input', message: 'The router reported a clock the wizard cannot read.' });
  }
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]) - 1, Number(iso[3])]
    : [Number(old![3]), MONTHS.indexOf(old![1]!), Number(old![2])];
  const at = new Date(Date.UTC(year, month, day, Number(time[1]), Number(time[2]), Number(time[3])) + minutes * 60_000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const date = iso
    ? `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`
    : `${MONTHS[at.getUTCMonth()]}/${pad(at.getUTCDate())}/${at.getUTCFullYear()}`;
  return ok({ date, time: `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}` });
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
  return ok(planRouterRestore(before, predicted.state));
}

export interface RevertInstall {
  /** The two adds to send before the first change: script, then scheduler. */
  changes: RouterChange[];
  /** The script's source, as the router will hold it. */
  source: string;
  /** When the router will run it, on its own clock. */
  revertAt: RouterClock;
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
  const body = renderRsc(rollback, { title: 'fspbx-nat: automatic revert', continueOnError: true });
  if (!body.ok) return body;
  // The scheduler goes first so the revert runs once even if a step fails.
  const source = [
    `/system scheduler remove [find where name=${rosString(REVERT_NAME)}]`,
    body.value.trimEnd(),
    `:log warning ${rosString('fspbx-nat: change not confirmed, router reverted')}`,
    `/system script remove [find where name=${rosString(REVERT_NAME)}]`,
    '',
  ].join('\n');
  const changes: RouterChange[] = [
    {
      id: 'revert-script',
      target: 'router',
      path: '/system/script',
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
      path: '/system/scheduler',
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
  return ok({ changes, source, revertAt: at.value });
}

/** "Confirm": remove the timer first, then the script. */
export function revertConfirm(): RouterChange[] {
  return (['/system/scheduler', '/system/script'] as const).map((path, index) => ({
    id: `confirm-${index + 1}`,
    target: 'router',
    path,
    action: 'remove',
    match: { name: REVERT_NAME },
    before: { name: REVERT_NAME },
    after: null,
    reason:
      path === '/system/scheduler'
        ? 'The technician confirmed: the automatic revert is called off.'
        : 'The revert script is no longer needed.',
  }));
}
