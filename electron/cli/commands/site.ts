/** plan, apply, verify, confirm, rollback, rollback-apply: a whole visit from a site file. */
import { Option } from 'commander';
import { contract, type InputArg } from '../../../contract/operations';
import { EXIT, type CliContext } from '../context';
import { formatApply, formatPlan, formatVerify } from '../format';
import { formatConfirmed } from '../run-lines';
import { formatRollbackPlan } from '../rollback-lines';
import { loadSite, siteFlags, siteOptions, type SiteSecrets } from '../secrets';
import { storedPlan } from '../run-plan';

export function registerSiteCommands(ctx: CliContext): void {
  siteOptions(
    ctx.program
      .command('plan')
      .description(contract['site.plan'].summary)
      .argument('<site.json|site.yaml>', 'site inputs: router, pbx, trunks, phones, options (see README)'),
  ).action(async (file: string, opts: SiteSecrets) => {
    const site = await loadSite(ctx, file, opts, { router: true, pbx: true, wholeSite: true });
    await ctx.run('site.plan', site as InputArg<'site.plan'>, (p) => formatPlan(p, siteFlags(file, opts)));
  });

  /** Each command lists only its own options: --yes where it changes a box, --watch for verify. */
  const runCommand = (name: string, op: 'site.apply' | 'site.verify' | 'site.confirm' | 'rollback.apply') => {
    const command = ctx.program
      .command(name)
      .description(contract[op].summary)
      .requiredOption(
        '--run <id>',
        op === 'rollback.apply' ? 'the run id printed by rollback' : 'the run id printed by plan',
      )
      .requiredOption('--site <site.json>', 'the same site file as for plan (for the logins)');
    if (contract[op].changesSites)
      command.option('--yes', 'do it without asking (required: this changes the router or the PBX)');
    if (op === 'site.verify') {
      command.option('--watch <seconds>', "keep counting the router's forwarded packets while you probe from outside");
    }
    siteOptions(command).action(
      async (opts: { run: string; site: string; yes?: boolean; watch?: string } & SiteSecrets) => {
        if (contract[op].changesSites && !opts.yes) {
          ctx.io.err(`fspbx-nat: ${name} changes the customer's router or PBX; review the plan, then add --yes.`);
          ctx.exit(EXIT.usage);
          return;
        }
        // confirm only switches off the router's automatic undo: it never logs in to the PBX.
        const site = await loadSite(ctx, opts.site, opts, { router: true, pbx: op !== 'site.confirm' });
        const carry = siteFlags(opts.site, opts);
        const access = { router: site.router, pbx: site.pbx } as InputArg<'site.apply'>['access'];
        if (op === 'site.verify') {
          const watchSeconds = Number(opts.watch ?? 0);
          if (watchSeconds > 0) {
            ctx.io.err(
              `Counting the router's forwards for ${watchSeconds} s: run \`fspbx-nat probe --from-outside <public IP>\` from outside the site now.`,
            );
          }
          const result = await ctx.call(op, { runId: opts.run, access, watchSeconds }, (r) => formatVerify(r, carry));
          // A failed check is a failed command: scripts can rely on the exit code.
          if (result.ok && result.value.status === 'fail') ctx.exit(EXIT.failed);
        } else if (op === 'site.confirm') {
          await ctx.run(op, { runId: opts.run, access }, formatConfirmed);
        } else {
          // Read before the apply, whose value lists only the ids it sent: which were changes is the plan's to say.
          const plan = await storedPlan(ctx.globals().dataDir, opts.run);
          const result = await ctx.call(
            op,
            { runId: opts.run, access },
            (r) => formatApply(r, carry, plan),
            (event) => {
              if (event.kind === 'log') ctx.io.err(event.message);
              else if (event.status !== 'sending')
                ctx.io.err(`${event.status === 'done' ? 'ok  ' : 'FAIL'} ${event.changeId}`);
            },
          );
          // An apply that stopped part-way is reported as a value (with what was applied) and fails the command.
          if (result.ok && result.value.status === 'failed') ctx.exit(EXIT.failed);
        }
      },
    );
  };
  runCommand('apply', 'site.apply');
  runCommand('verify', 'site.verify');
  runCommand('confirm', 'site.confirm');

  siteOptions(
    ctx.program
      .command('rollback')
      .description(contract['rollback.plan'].summary + ' Apply it with `rollback-apply`.')
      .requiredOption('--snapshot <id>', 'the snapshot to return to')
      .requiredOption('--site <site.json>', 'the site file (for the logins)')
      .addOption(new Option('--only <side>', 'roll back one side only').choices(['router', 'pbx']))
      .option(
        '--other-box',
        'the router or PBX is not the one the snapshot was taken of (a replaced box): plan the rollback onto it anyway',
      ),
  ).action(
    async (opts: { snapshot: string; site: string; only?: 'router' | 'pbx'; otherBox?: boolean } & SiteSecrets) => {
      // Both boxes are read even for one side (the plan checks the snapshot is of these boxes): both logins.
      const site = await loadSite(ctx, opts.site, opts);
      const access = { router: site.router, pbx: site.pbx } as InputArg<'rollback.plan'>['access'];
      await ctx.run(
        'rollback.plan',
        {
          snapshotId: opts.snapshot,
          sides: opts.only ? [opts.only] : ['router', 'pbx'],
          access,
          acceptOtherBox: opts.otherBox === true,
        },
        (p) => formatRollbackPlan(p, siteFlags(opts.site, opts)),
      );
    },
  );
  runCommand('rollback-apply', 'rollback.apply');
}
