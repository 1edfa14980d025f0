/**
 * `fspbx-nat rollback` output: what matters in the snapshot first (flags: firewall rules,
 * `disabled`, forwards, auth and registration settings, commands), each saying whether it is
 * restored and what it would do, then the changes, then how to apply. Plain text; --json prints
 * the plan as it is, flags included.
 */
import type { PlannedRun, RollbackFlag } from '../../contract/types';
import { cleanText } from '../../contract/text';
import { formatPlan } from './format';

function flagLines(flag: RollbackFlag): string[] {
  const mark = flag.restored ? 'restored    ' : 'NOT RESTORED';
  return [
    `  ${flag.serious ? '!!' : ' !'} ${mark} ${flag.target} ${cleanText(flag.subject, 200)}: ${cleanText(flag.change, 300)}`,
    `       ${cleanText(flag.consequence, 400)}`,
  ];
}

export function formatRollbackPlan(p: PlannedRun, site?: string): string {
  const flags = p.plan.flags ?? [];
  const kept = flags.filter((f) => !f.restored).length;
  const head = flags.length
    ? [
        'Read this first:',
        ...(kept > 0
          ? [
              `  ${kept} thing${kept === 1 ? '' : 's'} in this snapshot ${kept === 1 ? 'is' : 'are'} NOT restored: the wizard does not manage ${kept === 1 ? 'it' : 'them'}; shown for reading only, never sent.`,
            ]
          : []),
        ...flags.flatMap(flagLines),
        '',
      ]
    : [];
  const body = formatPlan(p, site).replace(
    /Review it, then: fspbx-nat apply --run (\S+)/,
    'Review it, then: fspbx-nat rollback-apply --run $1',
  );
  return [...head, body].join('\n');
}
