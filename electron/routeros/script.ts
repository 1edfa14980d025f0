/**
 * RouterOS script (.rsc) rendering of router Changes, for the technician to
 * read or paste and for the revert script. Every value is quoted by one rule;
 * output is plain ASCII whatever the data holds. Pure.
 */
import { err, ok, type AppError, type Result } from '../../contract/errors';
import type { RouterChange } from './change';

const BARE = /^[A-Za-z0-9._/,:-]+$/;
const FIELD = /^[a-z0-9][a-z0-9.-]*$/;
const ITEM_ID = /^\*[0-9A-Fa-f]+$/;

/**
 * The bytes of a value: values read from the router are bytes already (one
 * char per byte, api/wire.ts) and go back unchanged; the wizard's own text is
 * ASCII. A char above U+00FF (never from the router) is written as UTF-8.
 */
function valueBytes(value: string): number[] {
  const bytes: number[] = [];
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code <= 0xff) bytes.push(code);
    else bytes.push(...new TextEncoder().encode(ch));
  }
  return bytes;
}

/**
 * A RouterOS string literal. Inside "…" the console substitutes $variables and
 * treats \ as an escape, and a pasted ? asks for help: all are escaped, and
 * every byte outside printable ASCII is written as \HH, so the router gets
 * back exactly the bytes it held.
 */
export function rosString(value: string): string {
  let out = '"';
  for (const byte of valueBytes(value)) {
    const ch = String.fromCharCode(byte);
    if (ch === '"' || ch === '\\' || ch === '$' || ch === '?') out += `\\${ch}`;
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x09) out += '\\t';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

export function rosValue(value: string): string {
  return BARE.test(value) ? value : rosString(value);
}

/** /ip/firewall/nat → /ip firewall nat (the console's spelling). */
export function cliMenu(path: string): string {
  const [first, ...rest] = path.split('/').filter(Boolean);
  return `/${first ?? ''}${rest.length ? ' ' + rest.join(' ') : ''}`;
}

/** The API prints flags as true/false; the console's own spelling is yes/no. */
const CONSOLE_FLAGS = new Set(['disabled', 'dont-require-permissions', 'log']);

function consoleFlag(value: string): string {
  return value === 'true' ? 'yes' : value === 'false' ? 'no' : value;
}

function bad(message: string, detail?: string): AppError {
  return { code: 'invalid_input', message, ...(detail === undefined ? {} : { detail }) };
}

function assignments(fields: Record<string, string | null>): Result<{ set: string; unset: string[] }> {
  const parts: string[] = [];
  const unset: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (!FIELD.test(field) || field.startsWith('.'))
      return err(bad('A RouterOS field name is not safe to write.', field));
    if (value === null) unset.push(field);
    else parts.push(`${field}=${rosValue(CONSOLE_FLAGS.has(field) ? consoleFlag(value) : value)}`);
  }
  return ok({ set: parts.join(' '), unset });
}

function itemRef(change: RouterChange): Result<string> {
  if (change.match && Object.keys(change.match).length > 0) {
    const terms: string[] = [];
    for (const [field, value] of Object.entries(change.match)) {
      if (!FIELD.test(field)) return err(bad('A RouterOS field name is not safe to write.', field));
      terms.push(`${field}=${rosString(value)}`);
    }
    return ok(`[find where ${terms.join(' and ')}]`);
  }
  if (change.itemId !== undefined && ITEM_ID.test(change.itemId)) return ok(change.itemId);
  return err(bad('A change does not say which router item it acts on.', change.id));
}

/** The console commands for one change (a set with unsets takes more than one line). */
export function changeCommands(change: RouterChange): Result<string[]> {
  const menu = cliMenu(change.path);
  if (!/^\/[a-z0-9 -]+$/.test(menu)) return err(bad('A RouterOS menu path is not safe to write.', change.path));
  if (change.action === 'add') {
    const fields = assignments(change.after ?? {});
    if (!fields.ok) return fields;
    if (change.placeBefore !== undefined && !ITEM_ID.test(change.placeBefore)) {
      return err(bad('A place-before reference is not a RouterOS item id.', change.placeBefore));
    }
    const place = change.placeBefore === undefined ? '' : ` place-before=${change.placeBefore}`;
    return ok([`${menu} add ${fields.value.set}${place}`.trimEnd()]);
  }
  const ref = itemRef(change);
  if (!ref.ok) return ref;
  if (change.action === 'remove') return ok([`${menu} remove ${ref.value}`]);
  const fields = assignments(change.after ?? {});
  if (!fields.ok) return fields;
  const lines: string[] = [];
  if (fields.value.set) lines.push(`${menu} set ${ref.value} ${fields.value.set}`);
  for (const field of fields.value.unset) lines.push(`${menu} unset ${ref.value} value-name=${field}`);
  return ok(lines);
}

/** Comment lines carry free text: keep them to one line of printable ASCII. */
export function rscComment(text: string): string {
  return `# ${text.replace(/[^\x20-\x7e]/g, '?')}`;
}

export interface RscOptions {
  title: string;
  /** Wrap each command so one failure is logged and the rest still run (the revert script does). */
  continueOnError?: boolean;
}

/** Each change's lines, in order: its comment, then its commands (the revert splits between blocks, never inside one). */
export function rscBlocks(
  changes: readonly RouterChange[],
  options: Pick<RscOptions, 'continueOnError'>,
): Result<string[][]> {
  const blocks: string[][] = [];
  for (const change of changes) {
    const commands = changeCommands(change);
    if (!commands.ok) return commands;
    blocks.push([
      rscComment(`${change.id}: ${change.reason}`),
      ...commands.value.map((command) =>
        options.continueOnError
          ? `:do { ${command} } on-error={ :log warning ${rosString(`fspbx-nat: ${change.id} failed`)} }`
          : command,
      ),
    ]);
  }
  return ok(blocks);
}

export function renderRsc(changes: readonly RouterChange[], options: RscOptions): Result<string> {
  const blocks = rscBlocks(changes, options);
  if (!blocks.ok) return blocks;
  return ok([rscComment(options.title), ...blocks.value.flat()].join('\n') + '\n');
}
