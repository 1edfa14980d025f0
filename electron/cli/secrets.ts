/**
 * Where passwords come from on the command line: an environment variable or
 * standard input, never an argument (other users could read it), and the
 * site file with the passwords put in from the environment.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliContext } from './context';
import { shellArg } from './error-lines';
import { parseSiteText, precheck, UsageError } from './inputs';

export const secretOptions = (cmd: Command) =>
  cmd
    .option('--password-env <VAR>', 'read the password from this environment variable')
    .option('--password-stdin', 'read the password from standard input');

/**
 * A secret from a named environment variable. An unset variable is a
 * mistake, not an empty password: the command stops before anything is sent.
 */
export function envSecret(ctx: CliContext, name: string, flag: string): string {
  const value = ctx.io.env[name];
  if (value === undefined) {
    throw new UsageError(
      `The environment variable ${name} (${flag}) is not set, so nothing was sent. Set it first (export ${name}=…), or use --password-stdin.`,
    );
  }
  return value;
}

/**
 * The password for a login. Without a source the command stops before connecting: an empty password
 * sent by mistake counts as a failed login on the box (RouterOS and fail2ban lists count them). A
 * box whose password really is empty takes a variable set to nothing (VAR= … --password-env VAR).
 */
export async function password(
  ctx: CliContext,
  opts: { passwordEnv?: string; passwordStdin?: boolean },
): Promise<string> {
  if (opts.passwordEnv) return envSecret(ctx, opts.passwordEnv, '--password-env');
  if (opts.passwordStdin) return (await ctx.io.readStdin()).replace(/\r?\n$/, '');
  throw new UsageError(
    'No password was given, so nothing was sent: add --password-env VAR or --password-stdin (for an empty password, set VAR= and use --password-env VAR).',
  );
}

/** Site file options: passwords never go in the file or on the command line, only in the environment. */
export const siteOptions = (cmd: Command) =>
  cmd
    .option('--router-password-env <VAR>', 'the router password from this environment variable')
    .option('--pbx-password-env <VAR>', 'the PBX SSH password from this environment variable')
    .option('--sudo-password-env <VAR>', "the PBX user's sudo password from this environment variable")
    .option('--fingerprint <sha256>', "the router's API-SSL certificate fingerprint you compared and accept")
    .option('--host-key <SHA256:…>', "the PBX's SSH host key fingerprint you compared and accept")
    .option(
      '--router-ssh-host-key <SHA256:…>',
      "the router's SSH host key you compared and accept (api-ssl given a certificate over SSH)",
    );

export interface SiteSecrets {
  routerPasswordEnv?: string;
  pbxPasswordEnv?: string;
  sudoPasswordEnv?: string;
  fingerprint?: string;
  hostKey?: string;
  routerSshHostKey?: string;
}

/** Which boxes a command logs in to: confirm and a router-only rollback never open the PBX. */
export interface Logins {
  router: boolean;
  pbx: boolean;
  /** plan reads the whole file (peers, options); the other commands take only its logins. */
  wholeSite?: boolean;
}

function noPassword(box: 'router' | 'PBX', flag: string): UsageError {
  return new UsageError(
    `No ${box} password was given, so nothing was sent: add ${flag} VAR (the site file holds no passwords; for an empty password, set VAR= and use ${flag} VAR).`,
  );
}

/** The site file with the passwords from the environment; a usage error (exit 2) when unreadable. */
export async function loadSite(
  ctx: CliContext,
  file: string,
  secrets: SiteSecrets,
  logins: Logins = { router: true, pbx: true },
): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (caught) {
    throw new UsageError(`Cannot read ${file}: ${(caught as NodeJS.ErrnoException).code ?? 'unreadable'}.`);
  }
  const site = await parseSiteText(file, text);
  const router = { ...(site.router as Record<string, unknown> | undefined) };
  const pbx = { ...(site.pbx as Record<string, unknown> | undefined) };
  if (secrets.routerPasswordEnv) {
    router.password = envSecret(ctx, secrets.routerPasswordEnv, '--router-password-env');
  }
  if (secrets.pbxPasswordEnv) {
    pbx.auth = { kind: 'password', password: envSecret(ctx, secrets.pbxPasswordEnv, '--pbx-password-env') };
  }
  // Accepted on the command line, as the hint after a first contact prints them.
  if (secrets.fingerprint !== undefined) router.fingerprint = secrets.fingerprint;
  if (secrets.routerSshHostKey !== undefined) router.sshHostKey = secrets.routerSshHostKey;
  if (secrets.hostKey !== undefined) pbx.hostKey = secrets.hostKey;
  // A wrong field is named before a missing password (the contract's words): the whole site for plan,
  // the logins for the commands that take the file only for them.
  const checked = { router: { password: '', ...router }, pbx: { auth: { kind: 'password', password: '' }, ...pbx } };
  if (logins.wholeSite) precheck('site.plan', { ...site, ...checked });
  else precheck('site.confirm', { runId: 'check', access: checked });
  if (secrets.sudoPasswordEnv) pbx.sudoPassword = envSecret(ctx, secrets.sudoPasswordEnv, '--sudo-password-env');
  // A password left out is not an empty one: stop before connecting (see password()). A variable set to nothing is.
  if (!secrets.routerPasswordEnv && !router.password) {
    if (logins.router) throw noPassword('router', '--router-password-env');
    router.password = '';
  }
  const auth = pbx.auth as { kind?: unknown; password?: unknown } | undefined;
  if (logins.pbx && !secrets.pbxPasswordEnv && (auth === undefined || (auth.kind === 'password' && !auth.password))) {
    throw noPassword('PBX', '--pbx-password-env');
  }
  return { ...site, router, pbx };
}

/**
 * The flags a next command needs, as this one was given them: the site file, the password
 * variables (their names, never values) and any fingerprint accepted on the command line.
 */
export function siteFlags(file: string, secrets: SiteSecrets): string {
  const pairs: [string, string | undefined][] = [
    ['--site', file],
    ['--router-password-env', secrets.routerPasswordEnv],
    ['--pbx-password-env', secrets.pbxPasswordEnv],
    ['--sudo-password-env', secrets.sudoPasswordEnv],
    ['--fingerprint', secrets.fingerprint],
    ['--host-key', secrets.hostKey],
    ['--router-ssh-host-key', secrets.routerSshHostKey],
  ];
  return pairs
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([flag, value]) => `${flag} ${shellArg(value)}`)
    .join(' ');
}
