/**
 * external_rtp_ip / external_sip_ip in v_vars, and whether vars.xml on disk
 * says the same: FreeSWITCH reads vars.xml, not the table (FS PBX writes the
 * file from the rows, SwitchVariableService.php:151-203). Pure.
 */
import { setColumns, type Outcome } from './plan-outcome';
import { isTrue, varsForThisSwitch } from '../model/profile-rows';
import type { PbxState } from '../model/state';

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
      out.changes.push(setColumns('v_vars', row.var_uuid, row, { var_value: value }, reason, name));
    }
    return;
  }
  if (rows[0]) {
    out.changes.push(
      setColumns('v_vars', rows[0].var_uuid, rows[0], { var_value: value, var_enabled: 'true' }, reason, name),
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
    label: name,
  });
}

/**
 * The last value each `set` line of a vars.xml gives a variable, read as
 * FreeSWITCH's preprocessor does (switch_xml.c:1483-1600): line by line, a
 * line holding `<include>`, `</include>` or `<?` skipped (:1511-1513), a line
 * holding `<X-PRE-PROCESS` (any case) run even inside an ordinary `<!-- -->`
 * comment (:1525; only the old `<!--#` comments are skipped, :1515-1523,
 * :1608-1623), cmd and data each up to the next quote, the name cut at the
 * first '=' (trailing spaces trimmed) and the value's leading spaces trimmed
 * (:1570-1585).
 */
export function varsXmlValues(xml: string): Map<string, string> {
  const values = new Map<string, string>();
  let inHashComment = false;
  for (const line of xml.split('\n')) {
    if (line.includes('<include>') || line.includes('</include>') || line.includes('<?')) continue;
    let bp = line;
    if (inHashComment) {
      const end = bp.indexOf('-->');
      if (end < 0) continue;
      inHashComment = false;
      bp = bp.slice(end + 3);
    }
    const at = bp.toLowerCase().indexOf('x-pre-process');
    if (at >= 0) {
      if (at === 0 || bp[at - 1] !== '<') continue;
      const m = /cmd[^=]*=[^"]*"([^"]*)"?([\s\S]*)$/i.exec(bp.slice(at));
      const data = m ? /data[^=]*=[^"]*"([^"]*)/i.exec(m[2]!)?.[1] : undefined;
      const eq = data?.indexOf('=') ?? -1;
      if (m && data !== undefined && m[1]!.toLowerCase() === 'set' && eq > 0) {
        values.set(data.slice(0, eq).replace(/ +$/, ''), data.slice(eq + 1).replace(/^ +/, ''));
      }
      continue;
    }
    const hash = bp.indexOf('<!--#');
    if (hash >= 0 && bp.indexOf('-->', hash) < 0) inHashComment = true;
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
