/**
 * `/export` as RouterOS prints it: one section per menu in CLI path form,
 * `add` lines for list items and `set` lines for changed fixed or single
 * items, parameters in alphabetical order, values quoted and escaped so that
 * the text is a valid script again (hostile comments included).
 */
import type { MenuDef } from './model/menus';
import type { RouterModel, StoredItem } from './model/router';

const EXPORT_ORDER = [
  '/interface',
  '/interface/list',
  '/ip/firewall/connection/tracking',
  '/interface/list/member',
  '/ip/address',
  '/ip/cloud',
  '/ip/firewall/address-list',
  '/ip/firewall/filter',
  '/ip/firewall/nat',
  '/ip/firewall/service-port',
  '/ip/route',
  '/ip/service',
  '/system/clock',
  '/system/identity',
  '/system/scheduler',
  '/system/script',
];

/** Quotes a value the way RouterOS export does when it is not a plain word. */
export function quoteValue(value: string): string {
  if (/^[A-Za-z0-9_.,:/*+@!-]+$/.test(value)) return value;
  let out = '"';
  // Values are held as bytes (latin1 strings, see api/codec.ts); export writes each byte above ASCII as \HH.
  for (const byte of Buffer.from(value, 'latin1')) {
    const ch = String.fromCharCode(byte);
    if (ch === '\\' || ch === '"' || ch === '$' || ch === '?') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (byte < 0x20 || byte >= 0x7f) out += '\\' + byte.toString(16).toUpperCase().padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

function exportValue(value: string): string {
  if (value === 'true') return 'yes';
  if (value === 'false') return 'no';
  return quoteValue(value);
}

function params(def: MenuDef, fields: Record<string, string>, skipDefaults: boolean): string {
  const readOnly = new Set([...def.readOnly, ...def.hidden, 'owner', 'last-started', 'run-count', 'next-run']);
  return Object.keys(fields)
    .filter((k) => !readOnly.has(k) && def.fields.has(k))
    .filter(
      (k) =>
        !(
          skipDefaults &&
          ((k !== 'action' && def.defaults[k] === fields[k]) ||
            fields[k] === '' ||
            (k === 'disabled' && fields[k] === 'false'))
        ),
    )
    .sort()
    .map((k) => `${k}=${exportValue(fields[k]!)}`)
    .join(' ');
}

function changedFields(item: StoredItem, initial: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(item.fields)) if (initial?.[k] !== v) out[k] = v;
  return out;
}

export function exportConfig(
  model: RouterModel,
  initial: Readonly<Record<string, readonly Record<string, string>[]>>,
  header: { version: string; model: string; serial: string; now: Date },
  onlyPath = '',
): string {
  const stamp = header.now.toISOString().replace('T', ' ').slice(0, 19);
  const lines = [
    `# ${stamp} by RouterOS ${header.version}`,
    '# software id = SIM0-0001',
    '#',
    `# model = ${header.model}`,
    `# serial number = ${header.serial}`,
  ];
  for (const path of EXPORT_ORDER) {
    if (onlyPath !== '' && path !== onlyPath && !path.startsWith(onlyPath + '/')) continue;
    const def = model.def(path);
    if (!def) continue;
    const body: string[] = [];
    const start = initial[path] ?? [];
    model.items(path).forEach((item, index) => {
      if (item.fields.dynamic === 'true') return;
      if (def.kind === 'list') {
        body.push(`add ${params(def, item.fields, true)}`.trimEnd());
      } else {
        const changed = changedFields(item, start[index]);
        const p = params(def, changed, false);
        if (p === '') return;
        if (def.kind === 'single') body.push(`set ${p}`);
        else if (path === '/interface')
          body.push(`set [ find default-name=${quoteValue(start[index]?.name ?? '')} ] ${p}`);
        else body.push(`set ${quoteValue(start[index]?.[def.nameField ?? 'name'] ?? '')} ${p}`);
      }
    });
    if (body.length === 0) continue;
    lines.push(path.slice(1).split('/').join(' ').replace(/^/, '/'), ...body);
  }
  return lines.join('\n') + '\n';
}
