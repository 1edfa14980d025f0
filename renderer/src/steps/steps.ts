export const STEPS = [
  { id: 'network', title: 'Network', hint: 'Find the router and the PBX on this LAN.' },
  { id: 'router', title: 'Router', hint: 'Log in to the MikroTik.' },
  { id: 'pbx', title: 'PBX', hint: 'Log in to the FS PBX server.' },
  { id: 'peers', title: 'Who may reach the PBX', hint: 'SIP trunk providers and remote phones.' },
  { id: 'options', title: 'Options', hint: 'Web GUI, hairpin NAT, media mode, revert timer.' },
  { id: 'review', title: 'Review', hint: 'Every change, before and after.' },
  { id: 'apply', title: 'Apply', hint: 'Snapshot, then change both boxes.' },
  { id: 'verify', title: 'Verify and confirm', hint: 'Prove it works, then keep it.' },
  { id: 'done', title: 'Done', hint: 'Export the config bundle.' },
] as const;

export type StepId = (typeof STEPS)[number]['id'];

export function stepIndex(id: StepId): number {
  return STEPS.findIndex((s) => s.id === id);
}
