/** A run's content as the bundle's files, and back. Pure. */
import type { JournalEntry, RunRecord, SiteRecord, SnapshotRecord } from '../store';
import { redactSecrets } from '../store/redact';
import type { VerifyResult } from '../../contract/types';
import { fail } from '../../contract/errors';
import { SCRIPT_FILES, type BundleContent } from './content';
import { renderReport } from './report';

export function toFiles(content: BundleContent, createdAt: string): Record<string, string> {
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  const run = redactSecrets(content.run);
  const files: Record<string, string> = {
    'report.html': renderReport({ ...content, run }, createdAt),
    'run.json': json({ ...run, plan: undefined }),
    'site.json': json(content.site),
    'plan.json': json(run.plan),
    'journal.json': json(content.journal),
  };
  if (content.verification) files['verification.json'] = json(content.verification);
  if (content.snapshot) files['snapshots/snapshot.json'] = json(content.snapshot);
  for (const name of SCRIPT_FILES) {
    const text = content.scripts[name];
    if (text !== undefined) files[name] = text;
  }
  return files;
}

export interface ImportedRun {
  site: SiteRecord;
  run: RunRecord;
  journal: JournalEntry[];
  snapshot?: SnapshotRecord;
  verification?: VerifyResult;
}

export function fromFiles(files: Record<string, string>): ImportedRun {
  const parse = <T>(name: string): T => {
    const text = files[name];
    if (text === undefined) return fail('invalid_input', `This bundle lacks ${name}; it was not imported.`);
    try {
      return JSON.parse(text) as T;
    } catch {
      return fail('invalid_input', `This bundle's ${name} is not readable; it was not imported.`);
    }
  };
  const run = { ...parse<Omit<RunRecord, 'plan'>>('run.json'), plan: parse<RunRecord['plan']>('plan.json') };
  const imported: ImportedRun = {
    site: parse<SiteRecord>('site.json'),
    run,
    journal: parse<JournalEntry[]>('journal.json'),
  };
  if (files['snapshots/snapshot.json'] !== undefined)
    imported.snapshot = parse<SnapshotRecord>('snapshots/snapshot.json');
  if (files['verification.json'] !== undefined) imported.verification = parse<VerifyResult>('verification.json');
  return imported;
}
