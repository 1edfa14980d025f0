/**
 * A PBX rollback's findings in words: what a snapshot row outside the wizard's
 * table (managed.ts) would do on the PBX, so the review can say it first.
 * Serious: what runs commands or lets callers in without a password. Sources:
 * signalwire/freeswitch sofia.c (auth-calls :5036, accept-blind-reg :5018,
 * accept-blind-auth :5022), switch_xml.c:1574-1591 (exec-set runs a command). Pure.
 */
import type { RollbackFlag } from '../../../contract/types';
import type { PbxTable } from '../model/change';
import { isSecretVar } from '../model/secret-vars';
import type { Row } from '../model/state';

const SETTING_WORDS: Readonly<Record<string, (value: string | null) => string | undefined>> = {
  'auth-calls': (v) => (v === 'false' ? 'the profile would take calls without asking for a password' : undefined),
  'accept-blind-reg': (v) => (v === 'true' ? 'any phone could register without a password' : undefined),
  'accept-blind-auth': (v) => (v === 'true' ? 'any credentials would be accepted for calls' : undefined),
  'auth-all-packets': (v) => (v === 'false' ? 'only the first request of a call would be authenticated' : undefined),
};

const NOT_MANAGED = 'Not restored: not managed by the wizard.';

/** The change of a row the PBX has and the snapshot had not: left in place. */
export const ADDED_SINCE = 'added after the snapshot; left in place';

const WHERE: Record<PbxTable, string> = {
  v_sip_profile_settings: 'Advanced › SIP Profiles',
  v_vars: 'Advanced › Variables',
  v_extensions: 'Accounts › Extensions',
};

function settingConsequence(name: string, value: string | null): { words: string; serious: boolean } {
  const words = SETTING_WORDS[name]?.(value);
  if (words) return { words: `${words}.`, serious: true };
  if (/auth|reg|acl|blind|challenge|password/i.test(name)) {
    return { words: 'It changes who the PBX lets in or registers.', serious: true };
  }
  return { words: 'A SIP profile setting.', serious: false };
}

function varConsequence(row: Row): { words: string; serious: boolean } {
  const command = row.var_category === 'Exec-Set' ? 'exec-set' : row.var_command || 'set';
  if (command !== 'set') {
    return {
      words: `vars.xml would ${command === 'exec-set' ? 'run it as a shell command on the PBX' : `run "${command}"`} (as the FreeSWITCH user) at every reloadxml.`,
      serious: true,
    };
  }
  if (isSecretVar(row.var_name)) return { words: 'A password or secret of the PBX.', serious: true };
  return { words: 'A switch variable.', serious: false };
}

function shown(columns: Row): string {
  return Object.entries(columns)
    .map(([k, v]) => `${k}=${v === null ? 'NULL' : JSON.stringify(v)}`)
    .join(', ');
}

/**
 * `row` is the snapshot's row (or the PBX's, for one added since), `columns` what differs; `change`
 * replaces the column list when the whole row is the point (gone, or added since).
 */
export function restoreFlag(
  table: PbxTable,
  row: Row,
  columns: Row,
  change: string | undefined,
  restored: boolean,
): RollbackFlag {
  const name = row.sip_profile_setting_name ?? row.var_name ?? row.extension ?? '?';
  const effect =
    table === 'v_sip_profile_settings'
      ? settingConsequence(name, row.sip_profile_setting_value ?? null)
      : table === 'v_vars'
        ? varConsequence(row)
        : { words: 'An extension.', serious: false };
  const valueOf =
    table === 'v_sip_profile_settings'
      ? ` = ${JSON.stringify(row.sip_profile_setting_value)}`
      : table === 'v_vars'
        ? ` = ${JSON.stringify(row.var_value)}`
        : '';
  return {
    target: 'pbx',
    subject: `${table} ${JSON.stringify(name)}${change ? valueOf : ''}`,
    change: change ?? shown(columns),
    consequence: restored
      ? effect.words
      : `${NOT_MANAGED} ${effect.words}${
          change === ADDED_SINCE && effect.serious
            ? ` If nobody at the site added it, remove it in FS PBX (${WHERE[table]}) before anything reloads the configuration: the wizard never deletes what it does not manage.`
            : ''
        }`,
    restored,
    serious: effect.serious,
  };
}
