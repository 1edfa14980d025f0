/** history, export, import: runs on this laptop and config bundles. */
import { existsSync } from 'node:fs';
import { contract } from '../../../contract/operations';
import { importTrustSentence } from '../../../contract/trust';
import type { RunSummary } from '../../../contract/types';
import type { CliContext } from '../context';
import { formatBundle, formatRun, formatRuns } from '../format';
import { UsageError } from '../inputs';

/** The runs, then one sentence per imported run: whether it can be rolled back to, and how to allow it. */
export function formatHistory(runs: RunSummary[]): string {
  const notes = runs.flatMap((r) =>
    r.imported ? [`imported run ${r.runId}: ${importTrustSentence(r.imported)}`] : [],
  );
  return [formatRuns(runs), ...notes].join('\n');
}

export function formatImported(run: RunSummary): string {
  return run.imported ? `${formatRun(run)}\n${importTrustSentence(run.imported)}` : formatRun(run);
}

export function registerHistoryCommands(ctx: CliContext): void {
  ctx.program
    .command('history')
    .description(contract['history.list'].summary)
    .option('--site <id>', 'one site only')
    .action(async (opts: { site?: string }) => {
      const listed = await ctx.call('history.list', opts.site ? { siteId: opts.site } : {}, formatHistory);
      if (!listed.ok || ctx.globals().json) return;
      // The key others compare an imported bundle's signature with.
      const info = await ctx.quiet('app.info', {});
      if (info.ok && info.value.bundleKey) ctx.io.out(`Bundles exported here are signed with ${info.value.bundleKey}.`);
    });

  ctx.program
    .command('export')
    .description(contract['bundle.export'].summary)
    .requiredOption('--run <id>', 'the run to export')
    .requiredOption('--out <file.zip>', 'where to write the bundle')
    .option('--force', 'replace the file if it exists')
    .action(async (opts: { run: string; out: string; force?: boolean }) => {
      // A bundle is a customer's record: one already there is replaced only when asked.
      if (!opts.force && existsSync(opts.out)) {
        throw new UsageError(
          `${opts.out} already exists, so nothing was written: choose another --out, or add --force to replace it.`,
        );
      }
      await ctx.run('bundle.export', { runId: opts.run, path: opts.out }, formatBundle);
    });

  ctx.program
    .command('import')
    .description(contract['bundle.import'].summary)
    .argument('<bundle.zip>')
    .action((file: string) => ctx.run('bundle.import', { path: file }, formatImported));
}
