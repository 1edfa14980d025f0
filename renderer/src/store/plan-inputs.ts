/**
 * What a plan was made from, kept beside it: a stable print of each part of the
 * site.plan input at the moment the plan was asked for. When any part differs
 * from what the forms give now, the plan is stale: Review says which part
 * changed, and Apply refuses it. Pure: the store keeps the prints, nothing here
 * calls out.
 */
import type { InputArg } from '../../../contract/operations';

/**
 * JSON with every object's keys in sorted order, so two equal inputs print alike
 * whatever order their fields were spread in. Fields left out and fields set to
 * undefined print the same (JSON drops both).
 */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stableJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The parts of the input a technician changes in one place each, in the order the steps come. */
export const PLAN_PARTS = ['router', 'pbx', 'trunks', 'phones', 'options'] as const;
export type PlanPart = (typeof PLAN_PARTS)[number];

/** One stable print per part. Held in memory only, like the forms it is made from (it holds the passwords). */
export type InputPrints = Record<PlanPart, string>;

export function inputPrints(input: InputArg<'site.plan'>): InputPrints {
  return {
    router: stableJson(input.router),
    pbx: stableJson(input.pbx),
    trunks: stableJson(input.trunks),
    phones: stableJson(input.phones),
    // The site's name and ticket are typed in Options.
    options: stableJson({ options: input.options, site: input.site }),
  };
}

/** The parts whose print differs: what changed since the plan was made. */
export function changedParts(made: InputPrints, now: InputPrints): PlanPart[] {
  return PLAN_PARTS.filter((part) => made[part] !== now[part]);
}

const PART_WORDS: Record<PlanPart, string> = {
  router: 'the router login',
  pbx: 'the PBX login',
  trunks: 'the SIP trunk providers',
  phones: 'the remote phones',
  options: 'the options',
};

function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** "The plan was made before you changed the SIP trunk providers; make it again." */
export function staleSentence(parts: readonly PlanPart[]): string {
  return `The plan was made before you changed ${list(parts.map((p) => PART_WORDS[p]))}; make it again.`;
}
