import { describe, expect, it } from 'vitest';
import { STEPS, stepHeading, stepNumber, stepRef, stepsRef } from '../../../renderer/src/steps/steps';
import { configOf } from '../../../renderer/src/components/ChangeGroups';

describe('the STEPS table', () => {
  it('numbers the steps in table order, the last one (Done) unnumbered', () => {
    expect(STEPS.map((s) => stepNumber(s.id))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, undefined]);
    expect(stepHeading('apply')).toBe('7 · Apply');
    expect(stepHeading('done')).toBe('Done');
  });

  it('names other steps by the number the table gives them', () => {
    expect(stepRef('review')).toBe('step 6');
    expect(stepsRef('router', 'pbx')).toBe('steps 2 and 3');
    expect(stepsRef('router')).toBe('step 2');
    expect(stepsRef('router', 'pbx', 'peers')).toBe('steps 2, 3 and 4');
  });
});

describe('change tables', () => {
  it('show configuration, not the counters, flags and ids the router reports on an entry', () => {
    const removed = {
      '.id': '*2',
      chain: 'dstnat',
      'dst-port': '5060',
      bytes: '0',
      packets: '0',
      invalid: 'false',
      dynamic: 'false',
      comment: 'fspbx-nat',
    };
    expect(configOf(removed)).toEqual([
      ['chain', 'dstnat'],
      ['dst-port', '5060'],
      ['comment', 'fspbx-nat'],
    ]);
    expect(configOf(null)).toEqual([]);
  });
});
