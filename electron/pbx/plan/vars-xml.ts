/**
 * vars.xml as FS PBX (FusionPBX's save_var_xml) writes it from v_vars: enabled
 * rows ordered by category then var_order, one X-PRE-PROCESS line per row for
 * this host, a comment line at each new category, 'Provision' left out.
 * The rows arrive in the database's own `order by var_category, var_order`
 * (its collation decides); that category order is kept, and only var_order is
 * compared here, so rows the plan adds land where PostgreSQL would put them. Pure.
 *
 * Written safely on every run. FreeSWITCH's preprocessor runs every line that
 * holds `<X-PRE-PROCESS`, even inside a comment, reads `data` up to the next
 * quote and runs `exec-set` as a shell command (switch_xml.c:1525, :1574-1591):
 * so a name, value or category holding `"`, `<`, `>`, `&`, a line break or a
 * control character is refused (never escaped: FreeSWITCH does not unescape),
 * and a line with a command other than `set` is written only when that very
 * line is in the PBX's vars.xml already. A line already there byte for byte is
 * the PBX's own and is written back as it is, whatever it holds.
 */
import { err, ok, type AppError, type Result } from '../../../contract/errors';
import type { Warning } from '../../../contract/types';
import type { VarRow } from '../model/state';

function compareOrder(a: string | null, b: string | null): number {
  // NULLs sort last in PostgreSQL's ascending order.
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return Number(a) - Number(b);
}

// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /["<>&\u0000-\u001f\u007f\u2028\u2029]/;

/** Text that cannot go into a vars.xml line as it is: FreeSWITCH would read it another way. */
export function unsafeVarsText(text: string | null): boolean {
  return text !== null && UNSAFE_TEXT.test(text);
}

const DIRECTIVE = /^<X-PRE-PROCESS\s+cmd\s*=\s*"([^"]*)"\s+data\s*=\s*"([^"]*)"\s*\/>$/;

/**
 * The PBX's own lines, without the indentation around them, by what they say (command and data):
 * a line FS PBX's writer would render with other spacing (`"/>`) is still the PBX's own, and is
 * written back exactly as the PBX has it.
 */
function linesOf(xml: string | null): Map<string, string> {
  const lines = new Map<string, string>();
  for (const raw of (xml ?? '').split('\n')) {
    const line = raw.trim();
    const m = DIRECTIVE.exec(line);
    lines.set(m ? `${m[1]}\u0000${m[2]}` : line, line);
  }
  return lines;
}

function refusal(row: VarRow, what: string): AppError {
  const name = JSON.stringify(row.var_name ?? '');
  return {
    code: 'invalid_input',
    field: 'pbx',
    message: `The PBX variable ${name} has ${what}, which vars.xml cannot hold safely: correct it in FS PBX (Advanced › Variables) and plan again.`,
    detail: `v_vars ${row.var_uuid}: category ${JSON.stringify(row.var_category)}, value ${JSON.stringify(row.var_value)}`,
  };
}

export interface RenderedVarsXml {
  xml: string;
  /** Rows left out: a command other than `set` that vars.xml does not hold now. */
  warnings: Warning[];
}

/**
 * vars.xml from the rows. `onDisk` is the PBX's vars.xml now (null: unread): its lines are the
 * only place a non-`set` line, or a line holding unsafe characters, may come from.
 */
export function renderVarsXml(
  vars: readonly VarRow[],
  hostname: string,
  onDisk: string | null,
): Result<RenderedVarsXml> {
  const present = linesOf(onDisk);
  const categories: (string | null)[] = [];
  for (const row of vars) if (!categories.includes(row.var_category)) categories.push(row.var_category);
  const rows = vars
    .filter((row) => row.var_enabled === 'true')
    .sort(
      (a, b) =>
        categories.indexOf(a.var_category) - categories.indexOf(b.var_category) ||
        compareOrder(a.var_order, b.var_order),
    );
  const warnings: Warning[] = [];
  let xml = '';
  let previous: string | null = '';
  for (const row of rows) {
    if (row.var_category !== 'Provision') {
      if (previous !== row.var_category) {
        const comment = `<!-- ${row.var_category ?? ''} -->`;
        if (unsafeVarsText(row.var_category) && !present.has(comment)) return err(refusal(row, 'a category name'));
        xml += `\n${comment}\n`;
      }
      const command = row.var_category === 'Exec-Set' ? 'exec-set' : row.var_command || 'set';
      if (!row.var_hostname || row.var_hostname === hostname) {
        const data = `${row.var_name ?? ''}=${row.var_value ?? ''}`;
        const line = `<X-PRE-PROCESS cmd="${command}" data="${data}" />`;
        const own = present.get(`${command}\u0000${data}`) ?? present.get(line);
        if (own !== undefined) {
          xml += `${own}\n`;
        } else if (command !== 'set') {
          // Never a new command line: exec-set runs a shell command as the FreeSWITCH user.
          warnings.push({
            code: 'vars-command-left-out',
            target: 'pbx',
            message: `The PBX variable ${JSON.stringify(row.var_name ?? '')} asks vars.xml for "${command}", which vars.xml does not hold now: the wizard never writes such a line (it runs a command on the PBX). Check it in FS PBX (Advanced › Variables).`,
          });
        } else if (unsafeVarsText(row.var_name) || unsafeVarsText(row.var_value)) {
          return err(refusal(row, 'a quote, <, >, &, a line break or a control character in its name or value'));
        } else {
          xml += `${line}\n`;
        }
      }
    }
    previous = row.var_category;
  }
  return ok({ xml: `${xml}\n`, warnings });
}
