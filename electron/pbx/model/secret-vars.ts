/**
 * FS PBX keeps secrets among its switch variables (`default_password`, which
 * new extensions get; voicemail and provisioning passwords; API keys). A
 * snapshot needs them to restore the PBX exactly, but a bundle leaves this
 * laptop: there they are redacted, and a restore from a redacted snapshot
 * leaves those variables as the PBX holds them now. Pure.
 */
import { hideValues, isSecretName, MIN_SEARCHED, REDACTED, redactText } from '../../../contract/secrets';
import type { PbxState, VarRow } from './state';

export const REDACTED_VALUE = REDACTED;

/** Variable names that hold a secret (default_password, ldap_bind_pw…): the contract's one definition. */
export function isSecretVar(name: string | null | undefined): boolean {
  return isSecretName(name);
}

/** <X-PRE-PROCESS cmd="set" data="name=value"/>: the value of a secret name goes, however short. */
const redactVarsXml = (text: string): string => redactText(text);

/** The snapshot as a bundle carries it: secret variable values (rows and vars.xml) redacted. */
export function redactSecretVars(state: PbxState): PbxState {
  return {
    ...state,
    vars: state.vars.map((v) => (isSecretVar(v.var_name) ? { ...v, var_value: REDACTED_VALUE } : v)),
    varsXml: state.varsXml === null ? null : redactVarsXml(state.varsXml),
  };
}

/**
 * A snapshot whose secret values were redacted, completed from the PBX as it is now: a redacted
 * row takes the value the PBX holds now (so the restore leaves it alone); one the PBX no longer
 * has is left out (nothing to restore it with). vars.xml is then rendered from the rows, as FS PBX
 * itself writes it, never from redacted text.
 */
export function withSecretsFrom(snapshot: PbxState, now: PbxState): PbxState {
  if (!snapshot.vars.some((v) => v.var_value === REDACTED_VALUE)) return snapshot;
  const current = new Map(now.vars.map((v) => [v.var_uuid, v]));
  const vars: VarRow[] = snapshot.vars.flatMap((v) => {
    if (v.var_value !== REDACTED_VALUE) return [v];
    const here = current.get(v.var_uuid);
    return here ? [{ ...v, var_value: here.var_value }] : [];
  });
  return { ...snapshot, vars, varsXml: null };
}

/** The secret values a PBX state holds (long enough to find again without hitting ordinary text). */
export function secretValues(state: PbxState): string[] {
  return state.vars.flatMap((v) =>
    isSecretVar(v.var_name) && v.var_value && v.var_value.length >= MIN_SEARCHED && v.var_value !== REDACTED_VALUE
      ? [v.var_value]
      : [],
  );
}

/**
 * Every occurrence of those values in a text replaced, also as JSON or HTML writes them: plan steps
 * carry vars.xml whole, and a bundle's files are JSON and HTML.
 */
export function hideSecretValues(text: string, values: readonly string[]): string {
  return hideValues(redactText(text), values);
}
