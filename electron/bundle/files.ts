/** A run's content as the bundle's files, and back through schemas: nothing from a bundle is cast. Pure. */
import { z } from 'zod';
import { fail } from '../../contract/errors';
import type { VerifyResult } from '../../contract/types';
import type { BundledSnapshot, JournalEntry, SiteRecord } from '../store';
import { hideSecretValues, redactSecretVars, secretValues } from '../pbx/model/secret-vars';
import { redactDeep, secretValuesIn } from '../../contract/secrets';
import { redactSecrets } from '../store/redact';
import { boxIdentitySchema, runKind, runStatus } from '../store/schemas';
import {
  controlSchema,
  resultSchema,
  siteFactsSchema,
  sitePlanSchema,
  storedInputsSchema,
  VISIT_FORMAT,
  type BundledRun,
} from '../store/visit';
import { SCRIPT_FILES, type BundleContent } from './content';
import { renderReport } from './report';

export function toFiles(content: BundleContent, createdAt: string): Record<string, string> {
  // The PBX's secret values, found by name in the snapshot and in the run, are looked for in every file.
  const secrets = [
    ...new Set([...(content.snapshot?.pbx ? secretValues(content.snapshot.pbx) : []), ...secretValuesIn(content.run)]),
  ];
  const json = (v: unknown) => `${JSON.stringify(redactDeep(v, secrets), null, 2)}\n`;
  const run = redactSecrets(content.run);
  const files: Record<string, string> = {
    'report.html': renderReport({ ...content, run }, createdAt),
    'run.json': json({ ...run, plan: undefined }),
    'site.json': json(content.site),
    'plan.json': json(run.plan),
    'journal.json': json(content.journal),
  };
  if (content.verification) files['verification.json'] = json(content.verification);
  // The PBX's secret variables (default_password…) stay on this laptop; a restore from the bundle leaves them be.
  if (content.snapshot) {
    const { pbx } = content.snapshot;
    // Field by field only where a restore reads it: the PBX's secret variables (the rest is restored as it is).
    files['snapshots/snapshot.json'] = `${JSON.stringify(
      pbx ? { ...content.snapshot, pbx: redactSecretVars(pbx) } : content.snapshot,
      null,
      2,
    )}\n`;
  }
  for (const name of SCRIPT_FILES) {
    const text = content.scripts[name];
    if (text !== undefined) files[name] = text;
  }
  // Plan steps and scripts carry vars.xml whole: its secrets go wherever they appear, short ones by their name.
  return Object.fromEntries(Object.entries(files).map(([name, text]) => [name, hideSecretValues(text, secrets)]));
}

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** Timestamps as the store writes them (ISO 8601): nothing else, so nothing to print raw. */
const when = z.string().regex(/^\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})$/);
const text = (max: number) => z.string().max(max);

// A bundle's run in the visit record's form (store/visit.ts); one without `format` was written before
// site facts existed (format 1) and is upgraded when the store reads it.
const runFile = z.object({
  format: z.union([z.literal(1), z.literal(VISIT_FORMAT)]).default(1),
  runId: id,
  siteId: id,
  kind: runKind,
  status: runStatus,
  inputs: storedInputsSchema,
  facts: siteFactsSchema.optional(),
  control: controlSchema.optional(),
  result: resultSchema.optional(),
  snapshotId: id.optional(),
  rollbackOf: id.optional(),
  startedAt: when,
  updatedAt: when,
  finishedAt: when.optional(),
});

const siteFile = z.object({
  siteId: id,
  name: text(256),
  routerHost: text(256),
  routerIdentity: text(256).optional(),
  routerTlsFingerprint: text(256).optional(),
  pbxHost: text(256),
  pbxHostKey: text(256).optional(),
  customer: text(256).optional(),
  ticket: text(256).optional(),
  createdAt: when,
  updatedAt: when,
});

const journalFile = z
  .array(
    z.object({
      runId: id,
      seq: z.number().int().min(1).max(10_000_000),
      changeId: text(200),
      target: z.enum(['router', 'pbx']),
      status: z.enum(['sending', 'done', 'failed']),
      detail: text(64 * 1024).optional(),
      at: when,
    }),
  )
  .max(100_000);

const snapshotFile = z.object({
  snapshotId: id,
  takenAt: when,
  router: z.unknown().optional(),
  pbx: z.unknown().optional(),
  routerExport: text(16 * 1024 * 1024).optional(),
  pbxReference: text(16 * 1024 * 1024).optional(),
  box: boxIdentitySchema.optional(),
});

const verificationFile = z.object({
  runId: id,
  status: z.enum(['pass', 'warn', 'fail']),
  checks: z
    .array(
      z.object({
        id: text(200),
        title: text(1024),
        status: z.enum(['pass', 'warn', 'fail']),
        group: z.enum(['router', 'pbx', 'traffic']).optional(),
        summary: text(64 * 1024),
        fix: text(64 * 1024).optional(),
        changeId: text(200).optional(),
      }),
    )
    .max(10_000),
}) satisfies z.ZodType<VerifyResult>;

export interface ImportedRun {
  site: SiteRecord;
  run: BundledRun;
  journal: JournalEntry[];
  snapshot?: BundledSnapshot;
  verification?: VerifyResult;
}

/** Drops keys whose value is undefined: zod reports absent optionals that way, records leave them out. */
function defined<T extends object>(value: T): T {
  const out = { ...value };
  for (const [key, v] of Object.entries(out)) if (v === undefined) Reflect.deleteProperty(out, key);
  return out;
}

export function fromFiles(files: ReadonlyMap<string, string>): ImportedRun {
  const parse = <S extends z.ZodType>(name: string, schema: S): z.output<S> => {
    const raw = files.get(name);
    if (raw === undefined) return fail('invalid_input', `This bundle lacks ${name}; it was not imported.`);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return fail('invalid_input', `This bundle's ${name} is not readable JSON; it was not imported.`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(
        'invalid_input',
        `This bundle's ${name} is not in the form the wizard writes; it was not imported.`,
        `${name}: ${issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'invalid'}`,
      );
    }
    return parsed.data;
  };
  const runPart = parse('run.json', runFile);
  const run: BundledRun = defined({ ...runPart, plan: parse('plan.json', sitePlanSchema) });
  const site: SiteRecord = defined(parse('site.json', siteFile));
  if (site.siteId !== run.siteId) fail('invalid_input', "This bundle's run and site do not belong together.");
  const journal: JournalEntry[] = parse('journal.json', journalFile).map((j) => defined(j));
  if (journal.some((j) => j.runId !== run.runId)) fail('invalid_input', "This bundle's journal is of another run.");
  // The store keys the journal by (run, seq): a repeated seq is a bundle the wizard never wrote.
  const seen = new Set<number>();
  for (const j of journal) {
    if (seen.has(j.seq)) {
      fail(
        'invalid_input',
        `This bundle's journal lists step ${j.seq} twice, which the wizard never writes; it was not imported.`,
      );
    }
    seen.add(j.seq);
  }
  const imported: ImportedRun = { site, run, journal };
  if (files.has('snapshots/snapshot.json')) {
    const snapshot = defined(parse('snapshots/snapshot.json', snapshotFile));
    // Without it nothing ties the snapshot to a router and a PBX: it could be rolled back onto any site.
    if (!snapshot.box) {
      fail(
        'invalid_input',
        "This bundle's snapshot does not say which router and PBX it was taken of, so it could be put on any site's boxes; it was not imported.",
      );
    }
    imported.snapshot = snapshot;
  }
  if (files.has('verification.json')) imported.verification = parse('verification.json', verificationFile);
  return imported;
}
