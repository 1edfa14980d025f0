import { applyToState } from '../../../electron/routeros/apply-state';
import type { RouterChange } from '../../../electron/routeros/change';
import type { RouterPlanInputs } from '../../../electron/routeros/inputs';
import { planRouter, type RouterPlan } from '../../../electron/routeros/plan';
import type { RouterState } from '../../../electron/routeros/state';

export function baseInputs(overrides: Partial<RouterPlanInputs> = {}): RouterPlanInputs {
  return {
    pbxAddress: '192.168.88.10',
    trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
    phones: [{ name: 'Home office', address: '192.0.2.20' }],
    pbxRtp: { start: 16384, end: 32768 },
    ...overrides,
  };
}

export function plan(state: RouterState, inputs: RouterPlanInputs): RouterPlan {
  const result = planRouter(state, inputs);
  if (!result.ok) throw new Error(`plan refused: ${result.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return result.plan;
}

export function apply(state: RouterState, changes: readonly RouterChange[]): RouterState {
  const outcome = applyToState(state, changes);
  if (!outcome.ok) throw new Error(`apply failed at ${outcome.changeId}: ${outcome.message}`);
  return outcome.state;
}

export function adds(p: RouterPlan, path: string): RouterChange[] {
  return p.changes.filter((c) => c.action === 'add' && c.path === path);
}
