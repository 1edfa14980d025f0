/**
 * A stand-in for the extracted field tables: the real ones come from community.routeros at lab
 * set-up. Each Ansible-described menu gets the fields named for its path, else `others`.
 */
import { MENU_SPECS } from '../../lab/routeros/model/menus';
import type { AnsibleSchema } from '../../lab/routeros/schema/ansible';

export function schemaStandIn(
  fields: Record<string, string[]>,
  others: readonly string[] = ['name', 'comment', 'disabled'],
): AnsibleSchema {
  const out: AnsibleSchema = {};
  for (const spec of MENU_SPECS) {
    if (spec.source !== 'ansible') continue;
    const names = fields[spec.path] ?? others;
    out[spec.path] = {
      primaryKeys: [],
      stratifyKeys: [],
      singleValue: false,
      fixedEntries: false,
      hasIdentifier: false,
      fields: Object.fromEntries(
        names.map((n) => [n, { canDisable: false, required: false, default: null, removeValue: null }]),
      ),
    };
  }
  return out;
}
