import type { Lab } from '../../lab/lab';

/**
 * The lab PBX's database as `pg_dump --data-only`, each table's rows sorted (physical row order
 * changes with every UPDATE) and without comments, the search path or pg_dump's per-run
 * `\restrict` key, which are not content: two dumps are equal when the data is.
 */
export async function sortedDataDump(lab: Lab): Promise<string> {
  const r = await lab.exec('pbx', ['runuser', '-u', 'postgres', '--', 'pg_dump', '--data-only', '-d', 'fusionpbx']);
  if (r.code !== 0) throw new Error(`pg_dump: ${r.stderr}`);
  const out: string[] = [];
  let rows: string[] | undefined;
  for (const line of r.stdout.split('\n')) {
    if (rows) {
      if (line === '\\.') {
        out.push(...rows.sort(), line);
        rows = undefined;
      } else rows.push(line);
    } else if (!/^(--|SELECT pg_catalog\.set_config|\\restrict |\\unrestrict )/.test(line)) {
      out.push(line);
      if (line.startsWith('COPY ')) rows = [];
    }
  }
  return out.join('\n');
}
