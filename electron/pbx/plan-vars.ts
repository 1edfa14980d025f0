/**
 * external_rtp_ip / external_sip_ip in v_vars, and whether vars.xml on disk
 * says the same: FreeSWITCH reads vars.xml, not the table (FS PBX writes the
 * file from the rows, SwitchVariableService.php:151-203). Pure.
 */
import { setColumns, type Outcome } from './plan-outcome';
import { isTrue, varsForThisSwitch } from './profile-rows';
import type { PbxState } from './state';

export const NAT_VARS = ['external_rtp_ip', 'external_sip_ip'] as const;

function why(name: string): string {
  return `${name} is the address FreeSWITCH puts in SIP and SDP for callers outside; it defaults to the LAN address, which breaks NAT. autonat: tells FreeSWITCH to use the public address for outside callers only.`;
}

export function ensureVar(state: PbxState, name: string, value: string, out: Outcome): void {
  const rows = varsForThisSwitch(state, name);
  const on = rows.filter((r) => isTrue(r.var_enabled));
  const reason = why(name);
  if (on.length > 0 && on.every((r) => r.var_value === value)) {
    out.settled.push({ path: 'v_vars', item: name, value, message: `${name} is already ${value}.` });
    return;
  }
  if (on.length > 0) {
    for (const row of on.filter((r) => r.var_value !== value)) {
      out.changes.push(setColumns('v_vars', row.var_uuid, row, { var_value: value }, reason));
    }
    return;
  }
  if (rows[0]) {
    out.changes.push(
      setColumns('v_vars', rows[0].var_uuid, rows[0], { var_value: value, var_enabled: 'true' }, reason),
    );
    return;
  }
  const orders = state.vars
    .filter((r) => r.var_category === 'IP Address' && r.var_order !== null)
    .map((r) => Number(r.var_order))
    .filter(Number.isFinite);
  out.changes.push({
    target: 'pbx',
    path: 'v_vars',
    action: 'add',
    before: null,
    after: {
      var_category: 'IP Address',
      var_name: name,
      var_value: value,
      var_command: 'set',
      var_hostname: null,
      var_enabled: 'true',
      var_order: String(orders.length ? Math.max(...orders) + 1 : 0),
      var_description: null,
    },
    reason,
  });
}

/**
 * The last value each `set` line of a vars.xml gives a variable, read as
 * FreeSWITCH's preprocessor does (a raw scan, value up to the next quote,
 * switch_xml.c:1574-1591).
 */
export function varsXmlValues(xml: string): Map<string, string> {
  const values = new Map<string, string>();
  const text = xml.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of text.matchAll(/<X-PRE-PROCESS\s+cmd\s*=\s*"set"\s+data\s*=\s*"([^"]*)"/g)) {
    const eq = m[1]!.indexOf('=');
    if (eq > 0) values.set(m[1]!.slice(0, eq).trim(), m[1]!.slice(eq + 1).trim());
  }
  return values;
}

/** vars.xml on disk does not give the NAT variables the values `vars` (the rows after the plan) give them. */
export function varsXmlDisagrees(state: PbxState, rendered: string): boolean {
  if (state.varsXml === null) return false;
  const onDisk = varsXmlValues(state.varsXml);
  const wanted = varsXmlValues(rendered);
  return NAT_VARS.some((name) => onDisk.get(name) !== wanted.get(name));
}
