/**
 * Where passwords come from on the command line: an environment variable or
 * standard input, never an argument (other users could read it), and the
 * site file with the passwords put in from the environment.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliContext } from './context';
import { parseSiteText, UsageError } from './inputs';

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

export async function password(
  ctx: CliContext,
  opts: { passwordEnv?: string; passwordStdin?: boolean },
): Promise<string> {
  if (opts.passwordEnv) return envSecret(ctx, opts.passwordEnv, '--password-env');
  if (opts.passwordStdin) return (await ctx.io.readStdin()).replace(/\r?\n$/, '');
  return '';
}

/** Site file options: passwords never go in the file or on the command line, only in the environment. */
export const siteOptions = (cmd: Command) =>
  cmd
    .option('--router-password-env <VAR>', 'the router password from this environment variable')
    .option('--pbx-password-env <VAR>', 'the PBX SSH password from this environment variable')
    .option('--sudo-password-env <VAR>', "the PBX user's sudo password from this environment variable");

export interface SiteSecrets {
  routerPasswordEnv?: string;
  pbxPasswordEnv?: string;
  sudoPasswordEnv?: string;
}

/** The site file with the passwords from the environment; a usage error (exit 2) when unreadable. */
export async function loadSite(ctx: CliContext, file: string, secrets: SiteSecrets): Promise<Record<string, unknown>> {
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
  if (router.password === undefined) router.password = '';
  if (secrets.pbxPasswordEnv) {
    pbx.auth = { kind: 'password', password: envSecret(ctx, secrets.pbxPasswordEnv, '--pbx-password-env') };
  }
  if (secrets.sudoPasswordEnv) pbx.sudoPassword = envSecret(ctx, secrets.sudoPasswordEnv, '--sudo-password-env');
  return { ...site, router, pbx };
}
