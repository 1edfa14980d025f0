/**
 * vars.xml as FS PBX (FusionPBX's save_var_xml) writes it from v_vars: enabled
 * rows ordered by category then var_order, one X-PRE-PROCESS line per row for
 * this host, a comment line at each new category, 'Provision' left out.
 * The rows arrive in the database's own `order by var_category, var_order`
 * (its collation decides); that category order is kept, and only var_order is
 * compared here, so rows the plan adds land where PostgreSQL would put them. Pure.
 */
import type { VarRow } from './state';

function compareOrder(a: string | null, b: string | null): number {
  // NULLs sort last in PostgreSQL's ascending order.
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return Number(a) - Number(b);
}

export function renderVarsXml(vars: readonly VarRow[], hostname: string): string {
  const categories: (string | null)[] = [];
  for (const row of vars) if (!categories.includes(row.var_category)) categories.push(row.var_category);
  const rows = vars
    .filter((row) => row.var_enabled === 'true')
    .sort(
      (a, b) =>
        categories.indexOf(a.var_category) - categories.indexOf(b.var_category) ||
        compareOrder(a.var_order, b.var_order),
    );
  let xml = '';
  let previous: string | null = '';
  for (const row of rows) {
    if (row.var_category !== 'Provision') {
      if (previous !== row.var_category) xml += `\n<!-- ${row.var_category ?? ''} -->\n`;
      const command = row.var_category === 'Exec-Set' ? 'exec-set' : row.var_command || 'set';
      if (!row.var_hostname || row.var_hostname === hostname) {
        xml += `<X-PRE-PROCESS cmd="${command}" data="${row.var_name ?? ''}=${row.var_value ?? ''}" />\n`;
      }
    }
    previous = row.var_category;
  }
  return `${xml}\n`;
}
