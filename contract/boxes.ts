/** What a run's changes are on each box, in the words History, the CLI and report.html share. Pure. */
import type { BoxStatus, RunBoxes } from './types';

export const BOX_NAMES = { router: 'Router', pbx: 'PBX' } as const;

export function boxWords(box: BoxStatus): string {
  switch (box.state) {
    case 'applied':
      return `applied (${box.changes} changes)`;
    case 'confirmed':
      return `confirmed (${box.changes} changes kept)`;
    case 'reverted-by-router':
      return `undone by the router's own timer (${box.changes} changes)`;
    case 'rolled-back':
      return `rolled back${box.byRun ? ` by run ${box.byRun}` : ''} (${box.changes} changes)`;
  }
}

/** Each box the run touched, router first. */
export function boxList(boxes: RunBoxes | undefined): { side: 'router' | 'pbx'; name: string; box: BoxStatus }[] {
  return (['router', 'pbx'] as const).flatMap((side) => {
    const box = boxes?.[side];
    return box ? [{ side, name: BOX_NAMES[side], box }] : [];
  });
}
