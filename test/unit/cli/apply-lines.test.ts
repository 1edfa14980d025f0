/** `fspbx-nat apply` counts what it sent as the Review counts the plan: changes and PBX steps apart (issue 28). */
import { describe, expect, it } from 'vitest';
import type { Change, Plan } from '../../../contract/types';
import { pbxStepId } from '../../../contract/plan-counts';
import { formatApply } from '../../../electron/cli/format';

const change = (id: string, target: 'router' | 'pbx'): Change => ({
  id,
  target,
  path: target === 'router' ? '/ip/firewall/nat' : 'v_vars',
  action: 'add',
  before: null,
  after: { comment: id },
  reason: 'test',
});

const plan: Plan = {
  changes: [change('r1', 'router'), change('r2', 'router'), change('p1', 'pbx')],
  warnings: [],
  facts: {},
  pbxSteps: [
    { kind: 'vars-xml', why: 'write vars.xml' },
    { kind: 'fs-cli', why: 'reloadxml' },
  ],
};

describe('the apply line', () => {
  it('counts the changes and the PBX steps it sent apart, in the words of the Review', () => {
    const line = formatApply(
      { runId: 'r-1', status: 'applied', applied: ['r1', 'r2', 'p1', pbxStepId(1), pbxStepId(2)] },
      '',
      plan,
    );
    expect(line.split('\n')[0]).toBe('run r-1: applied, 3 changes and 2 PBX steps applied');
  });

  it('counts a part-way apply by what was sent, one change in the singular', () => {
    const line = formatApply(
      { runId: 'r-2', status: 'failed', applied: ['r1'], failed: { changeId: 'r2', message: 'refused' } },
      '',
      plan,
    );
    expect(line.split('\n')[0]).toBe('run r-2: failed, 1 change applied');
  });

  it('without the plan, says the count holds both rather than calling steps changes', () => {
    const line = formatApply({ runId: 'r-3', status: 'applied', applied: ['r1', pbxStepId(1)] });
    expect(line.split('\n')[0]).toBe('run r-3: applied, 2 changes and PBX steps applied');
  });
});
