/** router read, pbx read, pbx peers: one box at a time, read only. */
import type { Command } from 'commander';
import { contract } from '../../../contract/operations';
import type { CliContext } from '../context';
import { formatPbx, formatPeers, formatRouter } from '../format';
import { precheck, readKeyFile } from '../inputs';
import { password, secretOptions } from '../secrets';

/** The SSH login options every PBX command takes. */
function pbxLoginOptions(command: Command): Command {
  return command
    .requiredOption('--host <address>', "the PBX's LAN address")
    .requiredOption('--user <name>', 'SSH user (root or a sudo user)')
    .option('--port <port>', 'SSH port', Number, 22)
    .option('--key <file>', 'private key file instead of a password')
    .option('--host-key <sha256>', 'the SSH host key fingerprint accepted earlier');
}

interface PbxLoginOpts {
  host: string;
  user: string;
  port: number;
  key?: string;
  hostKey?: string;
  passwordEnv?: string;
  passwordStdin?: boolean;
}

/** The PBX target those options describe; the password comes from the environment or stdin, never argv. */
async function pbxTarget(ctx: CliContext, opts: PbxLoginOpts) {
  // The address and user are checked before the command asks where the password comes from.
  precheck('pbx.read', {
    host: opts.host,
    port: opts.port,
    username: opts.user,
    auth: { kind: 'password', password: '' },
    ...(opts.hostKey === undefined ? {} : { hostKey: opts.hostKey }),
  });
  const auth = opts.key
    ? { kind: 'key' as const, privateKey: await readKeyFile(opts.key) }
    : { kind: 'password' as const, password: await password(ctx, opts) };
  return {
    host: opts.host,
    port: opts.port,
    username: opts.user,
    auth,
    ...(opts.hostKey === undefined ? {} : { hostKey: opts.hostKey }),
  };
}

export function registerDeviceCommands(ctx: CliContext): void {
  const router = ctx.program.command('router').description('Work with the MikroTik router.');
  secretOptions(
    router
      .command('read')
      .description(contract['router.read'].summary)
      .requiredOption('--host <address>', "the router's LAN address")
      .requiredOption('--user <name>', 'RouterOS user')
      .option('--plain-api', 'use the unencrypted API on 8728 (the password crosses the LAN in clear)')
      .option('--port <port>', 'API port', Number)
      .option('--fingerprint <sha256>', 'the API-SSL certificate fingerprint accepted earlier')
      .option(
        '--anonymous-tls',
        "API-SSL has no certificate: connect anyway, encrypted but the router's identity not verifiable",
      )
      .option(
        '--make-certificate',
        'API-SSL has no certificate: over that unverified connection give api-ssl a certificate, then pin it',
      )
      .option(
        '--ssh-certificate',
        "API-SSL has no certificate: over the router's SSH give api-ssl a certificate, then pin it (no anonymous TLS needed)",
      )
      .option('--ssh-host-key <sha256>', "with --ssh-certificate: the router's SSH host key accepted (SHA256:…)")
      .option('--ssh-port <port>', "with --ssh-certificate: the router's SSH port (default 22)", Number),
  ).action(
    async (opts: {
      host: string;
      user: string;
      plainApi?: boolean;
      anonymousTls?: boolean;
      makeCertificate?: boolean;
      sshCertificate?: boolean;
      sshHostKey?: string;
      sshPort?: number;
      port?: number;
      fingerprint?: string;
      passwordEnv?: string;
      passwordStdin?: boolean;
    }) => {
      precheck('router.read', {
        host: opts.host,
        username: opts.user,
        password: '',
        ...(opts.port === undefined ? {} : { port: opts.port }),
        ...(opts.fingerprint === undefined ? {} : { fingerprint: opts.fingerprint }),
      });
      await ctx.run(
        'router.read',
        {
          host: opts.host,
          username: opts.user,
          password: await password(ctx, opts),
          tls: !opts.plainApi,
          ...(opts.port === undefined ? {} : { port: opts.port }),
          ...(opts.fingerprint === undefined ? {} : { fingerprint: opts.fingerprint }),
          ...(opts.sshCertificate
            ? {
                noCertificate: 'ssh-certificate',
                ...(opts.sshHostKey === undefined ? {} : { sshHostKey: opts.sshHostKey }),
                ...(opts.sshPort === undefined ? {} : { sshPort: opts.sshPort }),
              }
            : opts.makeCertificate
              ? { noCertificate: 'make-certificate' }
              : opts.anonymousTls
                ? { noCertificate: 'anonymous' }
                : {}),
        },
        formatRouter,
      );
    },
  );

  const pbx = ctx.program.command('pbx').description('Work with the FS PBX server.');
  secretOptions(pbxLoginOptions(pbx.command('read').description(contract['pbx.read'].summary))).action(
    async (opts: PbxLoginOpts) => {
      await ctx.run('pbx.read', await pbxTarget(ctx, opts), formatPbx);
    },
  );

  secretOptions(
    pbxLoginOptions(pbx.command('peers').description(contract['pbx.peers'].summary))
      .option('--lan <cidr>', 'the customer LAN, e.g. 192.168.88.0/24: phones registered from inside it are not remote')
      .option(
        '--allowed <list>',
        'addresses or ranges already allowed, comma-separated (warns about a registered trunk outside them)',
      ),
  ).action(async (opts: PbxLoginOpts & { lan?: string; allowed?: string }) => {
    await ctx.run(
      'pbx.peers',
      {
        pbx: await pbxTarget(ctx, opts),
        ...(opts.lan === undefined ? {} : { lan: opts.lan }),
        ...(opts.allowed === undefined
          ? {}
          : {
              allowed: opts.allowed
                .split(',')
                .map((a) => a.trim())
                .filter(Boolean),
            }),
      },
      formatPeers,
    );
  });
}
