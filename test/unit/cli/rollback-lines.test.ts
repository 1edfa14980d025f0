/** `fspbx-nat rollback` says first what matters in the snapshot and whether it is restored (issue 21 item 6). */
import { describe, expect, it } from 'vitest';
import type { PlannedRun } from '../../../contract/types';
import { formatRollbackPlan } from '../../../electron/cli/rollback-lines';

const planned: PlannedRun = {
  runId: 'r-1',
  plan: {
    changes: [
      {
        id: 'restore-001',
        target: 'router',
        path: '/ip/firewall/nat',
        action: 'remove',
        before: { comment: 'fspbx-nat: forward sip phones udp' },
        after: null,
        reason: 'The wizard added this; the snapshot does not have it.',
      },
    ],
    warnings: [{ code: 'foreign-row-kept', message: 'v_vars pwned was added after the snapshot.' }],
    facts: {},
    flags: [
      {
        target: 'router',
        subject: '/ip/firewall/filter "defconf: drop all not coming from LAN\u202e"',
        change: 'disabled=true',
        consequence: 'Not restored: not managed by the wizard. It would switch this firewall rule off.',
        restored: false,
        serious: true,
      },
      {
        target: 'router',
        subject: '/ip/firewall/service-port "sip"',
        change: 'disabled=false',
        consequence: 'The SIP helper (SIP ALG) is turned back on.',
        restored: true,
        serious: false,
      },
    ],
  },
};

describe('rollback output', () => {
  it('puts the flags before the changes, says which are not restored, and names rollback-apply', () => {
    const text = formatRollbackPlan(planned);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Read this first:');
    expect(lines[1]).toMatch(/1 thing in this snapshot is NOT restored: the wizard does not manage it/);
    expect(lines[2]).toBe(
      '  !! NOT RESTORED router /ip/firewall/filter "defconf: drop all not coming from LAN": disabled=true',
    );
    expect(lines[4]).toMatch(/^ {3}! restored {5}router \/ip\/firewall\/service-port "sip": disabled=false$/);
    expect(text.indexOf('NOT RESTORED')).toBeLessThan(text.indexOf('run r-1:'));
    expect(text).toMatch(/fspbx-nat rollback-apply --run r-1 /);
    expect(text).not.toMatch(/fspbx-nat apply --run/);
  });

  it('prints the plan alone when nothing matters', () => {
    const text = formatRollbackPlan({ ...planned, plan: { ...planned.plan, flags: [] } });
    expect(text.startsWith('run r-1: 1 change (nothing has been changed yet)')).toBe(true);
  });
});
