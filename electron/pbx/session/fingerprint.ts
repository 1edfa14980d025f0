/**
 * Tells FS PBX, plain FusionPBX and "not a PBX" apart on a host we can SSH
 * into, from the signs in the reference: FS PBX's .env and artisan, the
 * FusionPBX config.conf, and FreeSWITCH answering fs_cli. Parsers are pure;
 * `fingerprintPbx` runs the read-only commands.
 */
import type { PbxSummary } from '../../../contract/types';
import type { SshSession } from './ssh';

export const PATHS = {
  env: '/var/www/fspbx/.env',
  artisan: '/var/www/fspbx/artisan',
  configConf: '/etc/fusionpbx/config.conf',
  fsCli: '/usr/bin/fs_cli',
} as const;

/** KEY=value lines as Laravel's .env writes them; quotes removed, comments skipped. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1);
    }
    out[key] = value;
  }
  return out;
}

/** `key = value` lines of /etc/fusionpbx/config.conf. */
export function parseConfigConf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** "FreeSWITCH Version 1.10.12-release~64bit (…)" → "1.10.12-release". */
export function parseFreeswitchVersion(text: string): string | undefined {
  return /FreeSWITCH Version\s+(\S+?)(?:~\S*)?(?:\s|$)/.exec(text)?.[1];
}

export interface FingerprintFacts {
  env?: Record<string, string>;
  hasArtisan: boolean;
  configConf?: Record<string, string>;
  freeswitchVersion?: string;
  switchname?: string;
  hostname: string;
  hostKey: string;
}

export function classify(facts: FingerprintFacts): PbxSummary {
  const summary: PbxSummary = { kind: 'not-a-pbx', hostname: facts.hostname, hostKey: facts.hostKey };
  const docRoot = facts.configConf?.['document.root'] ?? '';
  const isFspbx =
    facts.env?.APP_NAME === 'FS PBX' && facts.hasArtisan && (docRoot === '' || docRoot.startsWith('/var/www/fspbx'));
  const isFusion = facts.configConf !== undefined && facts.configConf['database.0.name'] !== undefined;
  if (isFspbx) summary.kind = 'fspbx';
  else if (isFusion) summary.kind = 'fusionpbx';
  else return summary;
  if (isFspbx && facts.env?.VERSION) summary.fspbxVersion = facts.env.VERSION;
  if (facts.freeswitchVersion) summary.freeswitchVersion = facts.freeswitchVersion;
  if (facts.switchname) summary.switchname = facts.switchname;
  return summary;
}

/** Read-only: cat, test and fs_cli. Files readable only by root are read through sudo. */
export async function fingerprintPbx(ssh: SshSession): Promise<PbxSummary> {
  const asRoot = ssh.username !== 'root';
  const read = async (path: string) => {
    const r = await ssh.run(['cat', '--', path], { asRoot });
    return r.code === 0 ? r.stdout : undefined;
  };
  const [hostname, envText, artisan, confText, fsVersion, fsName] = await Promise.all([
    ssh.run(['hostname']),
    read(PATHS.env),
    ssh.run(['test', '-f', PATHS.artisan]),
    read(PATHS.configConf),
    ssh.run(['fs_cli', '-x', 'version'], { asRoot, timeoutMs: 10_000 }).catch(() => undefined),
    ssh.run(['fs_cli', '-x', 'switchname'], { asRoot, timeoutMs: 10_000 }).catch(() => undefined),
  ]);
  const facts: FingerprintFacts = {
    hasArtisan: artisan.code === 0,
    hostname: hostname.stdout.trim(),
    hostKey: ssh.hostKey,
  };
  if (envText !== undefined) facts.env = parseDotEnv(envText);
  if (confText !== undefined) facts.configConf = parseConfigConf(confText);
  const version = fsVersion?.code === 0 ? parseFreeswitchVersion(fsVersion.stdout) : undefined;
  if (version) facts.freeswitchVersion = version;
  const name = fsName?.code === 0 ? fsName.stdout.trim() : '';
  if (name && !/^-ERR/.test(name)) facts.switchname = name;
  return classify(facts);
}
