/**
 * The wizard's steps, in order. Everything that names a step reads this table:
 * the side navigation, each step's heading ("7 · Apply"), the references between
 * steps ("step 6"), Next/Back, and the view shown (views.tsx, keyed by these ids).
 */
export const STEPS = [
  { id: 'network', title: 'Network', hint: 'Find the router and the PBX on this LAN.' },
  { id: 'router', title: 'Router', hint: 'Log in to the MikroTik.' },
  { id: 'pbx', title: 'PBX', hint: 'Log in to the FS PBX server.' },
  { id: 'peers', title: 'Who may reach the PBX', hint: 'SIP trunk providers and remote phones.' },
  { id: 'options', title: 'Options', hint: 'Web GUI, hairpin NAT, media mode, revert timer.' },
  { id: 'review', title: 'Review', hint: 'Every change, before and after.' },
  { id: 'apply', title: 'Apply', hint: 'Snapshot, then change both boxes.' },
  { id: 'verify', title: 'Verify and confirm', hint: 'Prove it works, then keep it.' },
  // The end of the visit, not a thing to do: it has no number.
  { id: 'done', title: 'Done', hint: 'Export the config bundle.', numbered: false },
] as const;

export type StepId = (typeof STEPS)[number]['id'];
type Step = (typeof STEPS)[number];

export function stepIndex(id: StepId): number {
  return STEPS.findIndex((s) => s.id === id);
}

function stepOf(id: StepId): Step {
  return STEPS[stepIndex(id)]!;
}

/** The step's number as the technician sees it (1-based), or undefined for an unnumbered step. */
export function stepNumber(id: StepId): number | undefined {
  const step = stepOf(id);
  return 'numbered' in step && !step.numbered ? undefined : stepIndex(id) + 1;
}

/** The step's heading: "7 · Apply", or the bare title for an unnumbered step. */
export function stepHeading(id: StepId): string {
  const n = stepNumber(id);
  return n === undefined ? stepOf(id).title : `${n} · ${stepOf(id).title}`;
}

/** How another step's text points at this one: "step 6" ("Done" for an unnumbered one). */
export function stepRef(id: StepId): string {
  const n = stepNumber(id);
  return n === undefined ? `"${stepOf(id).title}"` : `step ${n}`;
}

/** Numbers of several steps as prose: "steps 2 and 3". */
export function stepsRef(...ids: StepId[]): string {
  const numbers = ids.map(stepNumber).filter((n): n is number => n !== undefined);
  if (numbers.length === 1) return `step ${numbers[0]}`;
  return `steps ${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
}
