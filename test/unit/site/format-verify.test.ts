import { describe, expect, it } from 'vitest';
import { formatVerify } from '../../../electron/cli/format';

describe('fspbx-nat verify, as text', () => {
  it('prints each check with its fix and the plan entry that fixes a failure, then a count', () => {
    const text = formatVerify({
      runId: 'r1',
      status: 'fail',
      checks: [
        { id: 'wan-address', title: 'WAN address', status: 'pass', summary: '203.0.113.2 is public.' },
        {
          id: 'sip-helper',
          title: 'SIP helper (SIP ALG)',
          status: 'fail',
          summary: 'SIP helper still on.',
          fix: 'Disable it.',
          changeId: 'router-007',
        },
      ],
    });
    expect(text.split('\n')).toEqual([
      '[ok  ] WAN address: 203.0.113.2 is public.',
      '[FAIL] SIP helper (SIP ALG): SIP helper still on.',
      '       → Disable it.',
      '       → plan entry router-007',
      '',
      'run r1: fail (1 ok, 0 warnings, 1 failed)',
    ]);
  });
});
