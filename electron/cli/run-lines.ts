/** What History says of a run beyond its status: each box's state, the site it was, and what an open run still allows. */
import { boxList, boxWords } from '../../contract/boxes';
import type { RunSummary } from '../../contract/types';
import { cleanText } from '../../contract/text';

/** "router: confirmed (12 changes kept) · PBX: applied (16 changes)", or nothing for runs from before per-box records. */
export function boxesLine(run: RunSummary): string | undefined {
  const parts = boxList(run.boxes).map(({ name, box }) => `${name}: ${boxWords(box)}`);
  return parts.length ? parts.join(' · ') : undefined;
}

/** "Acme Dental (ticket T-1234) · router MikroTik": the technician's name first, the router's own beside it. */
export function siteLine(run: RunSummary): string | undefined {
  if (!run.siteName) return undefined;
  const name = cleanText(run.siteName);
  const ticket = run.siteTicket ? ` (ticket ${cleanText(run.siteTicket)})` : '';
  const identity =
    run.routerIdentity && run.routerIdentity !== run.siteName ? ` · router ${cleanText(run.routerIdentity)}` : '';
  return `${name}${ticket}${identity}`;
}

/** A run whose changes may still be undone by the router: keep, check or undo it now. */
export function isOpen(run: RunSummary): boolean {
  return !run.imported && run.kind === 'apply' && (run.status === 'applied' || run.status === 'verified');
}

export function openRunHints(run: RunSummary): string[] {
  const site = '--site <site.json>';
  const lines = [
    `! run ${run.runId} is open: the router undoes its part by itself unless you keep it.`,
    `    keep it:  fspbx-nat confirm --run ${run.runId} ${site} --yes`,
    `    check it: fspbx-nat verify --run ${run.runId} ${site}`,
  ];
  if (run.snapshotId) lines.push(`    undo it:  fspbx-nat rollback --snapshot ${run.snapshotId} ${site}`);
  return lines;
}

/** A run the router's timer undid while the PBX kept its half: the two ways on. */
export function halfUndoneHints(run: RunSummary): string[] {
  if (run.boxes?.router?.state !== 'reverted-by-router' || run.boxes.pbx?.state !== 'applied') return [];
  const at = run.boxes.router.at;
  return [
    `! run ${run.runId}: the router undid its ${run.boxes.router.changes} changes (${at}); the PBX still has its ${run.boxes.pbx.changes} changes.`,
    ...(run.snapshotId
      ? [`    undo the PBX half: fspbx-nat rollback --snapshot ${run.snapshotId} --only pbx --site <site.json>`]
      : []),
    '    or plan and apply again: fspbx-nat plan <site.json>',
  ];
}

/** What `confirm` prints: the run kept, and what each box now holds. */
export function formatConfirmed(run: RunSummary): string {
  const boxes = boxesLine(run);
  return [
    `run ${run.runId}: confirmed. The router's automatic undo is switched off; the changes stay.`,
    ...(boxes ? [boxes] : []),
  ].join('\n');
}
