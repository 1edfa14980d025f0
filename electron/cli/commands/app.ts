/** info, doctor, lan, discover and browser: this laptop and the wizard itself. */
import { Option } from 'commander';
import { contract } from '../../../contract/operations';
import { EXIT, type CliContext } from '../context';
import { formatCheck, formatDiscover, formatInfo, formatLan } from '../format';
import { parsePort } from '../inputs';

export function registerAppCommands(ctx: CliContext): void {
  ctx.program
    .command('info')
    .description(contract['app.info'].summary)
    .action(() => ctx.run('app.info', {}, formatInfo));

  ctx.program
    .command('doctor')
    .description(contract['app.doctor'].summary)
    .action(async () => {
      // Checks stream as they finish; the summary line closes the list.
      const result = await ctx.call(
        'app.doctor',
        {},
        (r) => `overall: ${r.status}`,
        (check) => ctx.io.out(formatCheck(check)),
      );
      if (result.ok && result.value.status === 'fail') ctx.exit(EXIT.failed);
    });

  ctx.program
    .command('lan')
    .description(contract['lan.detect'].summary)
    .action(() => ctx.run('lan.detect', {}, formatLan));

  ctx.program
    .command('discover')
    .description(contract.discover.summary)
    .addOption(new Option('--seconds <n>', 'how long to listen for routers').argParser(Number).default(1.5))
    .addOption(
      new Option('--ssh-port <port...>', 'SSH ports to sweep (default 22)').argParser((v, prev: number[] = []) => [
        ...prev,
        Number(v),
      ]),
    )
    .action((opts: { seconds: number; sshPort?: number[] }) =>
      ctx.run('discover', { seconds: opts.seconds, sshPorts: opts.sshPort ?? [22] }, formatDiscover, (event) => {
        if (event.kind === 'router') ctx.io.err(`router: ${event.router.identity} ${event.router.ipv4 ?? ''}`);
        if (event.kind === 'ssh-host')
          ctx.io.err(`ssh:    ${event.host.address}:${event.host.port} ${event.host.banner}`);
      }),
    );
}

export function registerBrowserCommand(ctx: CliContext): void {
  ctx.program
    .command('browser')
    .description('Run the wizard in a web browser on this machine (no Electron needed); prints the address to open.')
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)', (v) => parsePort(v, '--port', true), 0)
    .action(async (opts: { port: number }) => {
      if (!ctx.io.browser) {
        ctx.io.err('fspbx-nat: browser mode is not available in this build.');
        ctx.exit(EXIT.failed);
        return;
      }
      ctx.exit(await ctx.io.browser({ port: opts.port, dataDir: ctx.globals().dataDir }));
    });
}
