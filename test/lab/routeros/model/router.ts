/**
 * The router's configuration as RouterOS keeps it: ordered items per menu,
 * addressed by `.id` (`*1A`), changed only through checked operations that
 * return RouterOS's own trap texts as values.
 */
import type { MenuDef } from './menus';
import { formatDuration, parseDurationMs, type CheckContext } from './values';

export interface Trap {
  message: string;
  category?: number;
}
export type Op<T> = { ok: true; value: T } | { ok: false; trap: Trap };

const done = <T>(value: T): Op<T> => ({ ok: true, value });
const trap = <T = never>(message: string, category?: number): Op<T> => ({
  ok: false,
  trap: category === undefined ? { message } : { message, category },
});

export const NOT_ENOUGH_PERMISSIONS = 'not enough permissions (9)';
/**
 * Moving a rule above a dynamic one fails with this text (public project code
 * quoted in /work/notes/routeros-facts.md §3, code index id 62489682198); RouterOS "rejects
 * [destination=0] when dynamic rules occupy the top of the table"
 * (https://github.com/nasnet-community/nasnet-panel/pull/509).
 */
export const CANNOT_MOVE_BUILTIN = 'cannot move builtin';
const ADDRESS_LIST = '/ip/firewall/address-list';
export const NO_SUCH_ITEM = 'no such item';

export interface StoredItem {
  id: number;
  fields: Record<string, string>;
}

export interface MenuState {
  items: StoredItem[];
  nextId: number;
}

/** A printed item: `.id` (list menus) then fields, values as the API sends them. */
export type PrintedItem = Record<string, string>;

/** Who asks: the policies of their group decide what they may change. */
export interface Actor {
  name: string;
  policies: ReadonlySet<string>;
  /** The group the policies came from (/user/active prints it). */
  group?: string;
  /** Authenticated by RADIUS (model/radius.ts), not a /user row. */
  radius?: boolean;
}

/** Properties computed at print time (counters, uptime, scheduler state). */
export type Deriver = (path: string, item: StoredItem | undefined) => Record<string, string>;

export type Params = readonly (readonly [string, string])[];

export function formatId(n: number): string {
  return '*' + n.toString(16).toUpperCase();
}

export function parseId(text: string): number | undefined {
  return /^\*[0-9a-fA-F]{1,8}$/.test(text) ? parseInt(text.slice(1), 16) : undefined;
}

export type ChangeListener = (path: string) => void;

export class RouterModel {
  readonly menus = new Map<string, MenuState>();
  private readonly listeners: ChangeListener[] = [];
  private deriver: Deriver = () => ({});
  /**
   * Address-list entries added with `timeout` are dynamic (flag D) and vanish
   * when it runs out; print shows the time left
   * (https://manual.mikrotik.com/docs/firewall-and-quality-of-service/firewall/address-lists.md,
   * "Static and dynamic entries").
   */
  private readonly expiries = new Map<StoredItem, number>();

  constructor(
    readonly defs: ReadonlyMap<string, MenuDef>,
    initial: Readonly<Record<string, readonly Record<string, string>[]>>,
  ) {
    for (const path of defs.keys()) {
      const items = (initial[path] ?? []).map((fields, i) => ({ id: i + 1, fields: { ...fields } }));
      this.menus.set(path, { items, nextId: items.length + 1 });
    }
  }

  setDeriver(deriver: Deriver): void {
    this.deriver = deriver;
  }

  /** The router's local date (ISO, as stored) and time now; UTC until the runtime sets its clock. */
  localNow: () => { date: string; time: string } = () => {
    const now = new Date().toISOString();
    return { date: now.slice(0, 10), time: now.slice(11, 19) };
  };

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  private changed(path: string): void {
    for (const l of this.listeners) l(path);
  }

  def(path: string): MenuDef | undefined {
    return this.defs.get(path);
  }

  items(path: string): readonly StoredItem[] {
    return this.menus.get(path)?.items ?? [];
  }

  /** First item's fields of a single-value menu (identity, cloud, …). */
  single(path: string): Readonly<Record<string, string>> {
    return this.items(path)[0]?.fields ?? {};
  }

  checkContext(): CheckContext {
    return {
      interfaceNames: this.items('/interface').map((i) => i.fields.name ?? ''),
      interfaceListNames: this.items('/interface/list').map((i) => i.fields.name ?? ''),
      groupNames: this.items('/user/group').map((i) => i.fields.name ?? ''),
      scriptNames: this.items('/system/script').map((i) => i.fields.name ?? ''),
    };
  }

  policiesOfGroup(group: string): Set<string> {
    const g = this.items('/user/group').find((i) => i.fields.name === group);
    return new Set((g?.fields.policy ?? '').split(',').filter((p) => p !== '' && !p.startsWith('!')));
  }

  actor(userName: string): Actor | undefined {
    const u = this.items('/user').find((i) => i.fields.name === userName && i.fields.disabled !== 'true');
    const group = u?.fields.group ?? '';
    return u ? { name: userName, policies: this.policiesOfGroup(group), group } : undefined;
  }

  /** Drops the address-list entries whose timeout ran out, as the router does. */
  private expire(now = Date.now()): void {
    const menu = this.menus.get(ADDRESS_LIST);
    if (!menu) return;
    const gone = menu.items.filter((i) => (this.expiries.get(i) ?? Infinity) <= now);
    if (gone.length === 0) return;
    menu.items = menu.items.filter((i) => !gone.includes(i));
    for (const item of gone) this.expiries.delete(item);
    this.changed(ADDRESS_LIST);
  }

  /**
   * An entry the router makes by itself (UPnP mappings, the fasttrack
   * counter rule): dynamic, unchecked, listed before the static rules.
   */
  addDynamic(path: string, fields: Record<string, string>): string {
    const menu = this.menus.get(path);
    if (!menu) throw new Error(`no menu ${path}`);
    const item: StoredItem = { id: menu.nextId++, fields: { ...fields, dynamic: 'true' } };
    const firstStatic = menu.items.findIndex((i) => i.fields.dynamic !== 'true');
    menu.items.splice(firstStatic < 0 ? menu.items.length : firstStatic, 0, item);
    this.changed(path);
    return formatId(item.id);
  }

  /** Removes the dynamic entries `which` picks, as the router does when the feature that made them goes. */
  removeDynamic(path: string, which: (fields: Readonly<Record<string, string>>) => boolean): void {
    const menu = this.menus.get(path);
    if (!menu) return;
    const kept = menu.items.filter((i) => i.fields.dynamic !== 'true' || !which(i.fields));
    if (kept.length === menu.items.length) return;
    menu.items = kept;
    this.changed(path);
  }

  /** A row the router adds to a fixed menu by itself (the interface of a new bridge). */
  addFixedRow(path: string, fields: Record<string, string>): void {
    const menu = this.menus.get(path);
    if (!menu) throw new Error(`no menu ${path}`);
    menu.items.push({ id: menu.nextId++, fields: { ...fields } });
    this.changed(path);
  }

  /** Drops rows of a fixed menu the router made (a removed bridge's interface). */
  removeFixedRows(path: string, which: (fields: Readonly<Record<string, string>>) => boolean): void {
    const menu = this.menus.get(path);
    if (!menu) return;
    const kept = menu.items.filter((i) => !which(i.fields));
    if (kept.length === menu.items.length) return;
    menu.items = kept;
    this.changed(path);
  }

  print(path: string): PrintedItem[] {
    const def = this.defs.get(path);
    if (!def) return [];
    if (path === ADDRESS_LIST) this.expire();
    if (def.kind === 'readonly') return [this.deriver(path, undefined)];
    const hidden = new Set(def.hidden);
    return this.items(path).map((item) => {
      const out: PrintedItem = {};
      if (def.kind !== 'single') out['.id'] = formatId(item.id);
      const fields = { ...item.fields, ...this.deriver(path, item) };
      const expiry = this.expiries.get(item);
      if (expiry !== undefined)
        fields.timeout = formatDuration(Math.max(0, Math.floor((expiry - Date.now()) / 1000) * 1000));
      for (const key of def.printOrder) if (key in fields && !hidden.has(key)) out[key] = fields[key]!;
      for (const [k, val] of Object.entries(fields)) if (!(k in out) && !hidden.has(k)) out[k] = val;
      return out;
    });
  }

  /** Resolves `numbers` / `.id`: comma-separated ids or, where the menu has one, names. */
  resolve(path: string, refs: string): Op<StoredItem[]> {
    const def = this.defs.get(path);
    const items = this.items(path);
    const found: StoredItem[] = [];
    for (const ref of refs.split(',')) {
      if (ref === '') continue;
      const id = parseId(ref);
      const item =
        id !== undefined
          ? items.find((i) => i.id === id)
          : def?.nameField
            ? // A name means the configured item, not a dynamic row printed under the same name (7.19+
              // /ip/service connections; a set by name works from 7.19.1, terraform-routeros issue #769).
              (items.find((i) => i.fields[def.nameField!] === ref && i.fields.dynamic !== 'true') ??
              items.find((i) => i.fields[def.nameField!] === ref))
            : undefined;
      if (!item) return trap(NO_SUCH_ITEM);
      if (!found.includes(item)) found.push(item);
    }
    return done(found);
  }

  private mayWrite(def: MenuDef, actor: Actor): boolean {
    return actor.policies.has(def.writePolicy) && actor.policies.has('write');
  }

  /** Checks parameter names and values; `!name` unsets. Returns normalised values and names to unset. */
  private checkParams(def: MenuDef, params: Params): Op<{ values: Record<string, string>; unset: string[] }> {
    const values: Record<string, string> = {};
    const unset: string[] = [];
    const ctx = this.checkContext();
    for (const [rawName, raw] of params) {
      const name = rawName.startsWith('!') ? rawName.slice(1) : rawName;
      if (!def.fields.has(name)) return trap(`unknown parameter ${name}`);
      if (rawName.startsWith('!')) {
        unset.push(name);
        continue;
      }
      const check = def.checks[name];
      const checked = check ? check(raw, name, ctx) : { ok: true as const, value: raw };
      if (!checked.ok) return trap(checked.message, checked.message.startsWith('input does not match') ? 1 : undefined);
      values[name] = checked.value;
    }
    return done({ values, unset });
  }

  private violatesUnique(
    def: MenuDef,
    candidate: Record<string, string>,
    self: StoredItem | undefined,
  ): string | undefined {
    for (const rule of def.unique) {
      if (rule.fields.some((f) => candidate[f] === undefined)) continue;
      const clash = this.items(def.path).find(
        (i) => i !== self && rule.fields.every((f) => i.fields[f] === candidate[f]),
      );
      if (clash) return rule.message;
    }
    return undefined;
  }

  private writable(path: string, actor: Actor, kinds: readonly string[]): Op<MenuDef> {
    const def = this.defs.get(path);
    if (!def) return trap('no such command prefix', 0);
    if (!kinds.includes(def.kind)) return trap('no such command', 0);
    if (!this.mayWrite(def, actor)) return trap(NOT_ENOUGH_PERMISSIONS);
    return done(def);
  }

  add(path: string, params: Params, actor: Actor, placeBefore?: string): Op<string> {
    const w = this.writable(path, actor, ['list']);
    if (!w.ok) return w;
    const def = w.value;
    const checked = this.checkParams(def, params);
    if (!checked.ok) return checked;
    const fields: Record<string, string> = { ...def.defaults, ...checked.value.values };
    for (const f of checked.value.unset) delete fields[f];
    for (const f of def.required) {
      if (fields[f] === undefined) return trap(`failure: ${f} not specified`);
    }
    if (path === '/system/script' || path === '/system/scheduler') {
      fields.owner ??= actor.name;
      fields.name ??= `${path === '/system/script' ? 'script' : 'schedule'}${this.menus.get(path)!.nextId}`;
    }
    if (path === '/system/scheduler') {
      // RouterOS stamps a new scheduler with the current local date and time (scheduler.md:
      // "When start-date is not given, the entry starts on the day it is added").
      const now = this.localNow();
      fields['start-date'] ??= now.date;
      fields['start-time'] ??= now.time;
    }
    if (path === ADDRESS_LIST) this.expire();
    const clash = this.violatesUnique(def, fields, undefined);
    if (clash) return trap(clash);
    const timeoutMs = path === ADDRESS_LIST && fields.timeout ? parseDurationMs(fields.timeout) : undefined;
    if (timeoutMs !== undefined) {
      fields.dynamic = 'true';
      delete fields.timeout;
    }
    const menu = this.menus.get(path)!;
    const item: StoredItem = { id: menu.nextId++, fields };
    if (timeoutMs !== undefined) this.expiries.set(item, Date.now() + timeoutMs);
    if (placeBefore !== undefined && placeBefore !== '') {
      const target = this.resolve(path, placeBefore);
      if (!target.ok) return target;
      if (target.value[0]!.fields.dynamic === 'true') return trap(CANNOT_MOVE_BUILTIN);
      menu.items.splice(menu.items.indexOf(target.value[0]!), 0, item);
    } else {
      menu.items.push(item);
    }
    this.changed(path);
    return done(formatId(item.id));
  }

  set(path: string, refs: string | undefined, params: Params, actor: Actor): Op<void> {
    const w = this.writable(path, actor, ['list', 'fixed', 'single']);
    if (!w.ok) return w;
    const def = w.value;
    const checked = this.checkParams(def, params);
    if (!checked.ok) return checked;
    let targets: StoredItem[];
    if (def.kind === 'single') {
      targets = this.items(path).slice(0, 1);
    } else {
      if (refs === undefined) return trap('missing =.id=');
      const r = this.resolve(path, refs);
      if (!r.ok) return r;
      targets = r.value;
    }
    for (const item of targets) {
      const next = { ...item.fields, ...checked.value.values };
      for (const f of checked.value.unset) delete next[f];
      const clash = this.violatesUnique(def, next, item);
      if (clash) return trap(clash);
    }
    for (const item of targets) {
      Object.assign(item.fields, checked.value.values);
      for (const f of checked.value.unset) delete item.fields[f];
    }
    this.changed(path);
    return done(undefined);
  }

  remove(path: string, refs: string | undefined, actor: Actor): Op<void> {
    const w = this.writable(path, actor, ['list']);
    if (!w.ok) return w;
    if (refs === undefined) return trap('missing =.id=');
    const r = this.resolve(path, refs);
    if (!r.ok) return r;
    const menu = this.menus.get(path)!;
    menu.items = menu.items.filter((i) => !r.value.includes(i));
    this.changed(path);
    return done(undefined);
  }

  setDisabled(path: string, refs: string | undefined, disabled: boolean, actor: Actor): Op<void> {
    const def = this.defs.get(path);
    if (def && !def.fields.has('disabled')) return trap('no such command', 0);
    return this.set(path, refs, [['disabled', disabled ? 'true' : 'false']], actor);
  }

  /** Moves the items before `destination` (or to the end), keeping their relative order. */
  move(path: string, refs: string | undefined, destination: string | undefined, actor: Actor): Op<void> {
    const w = this.writable(path, actor, ['list']);
    if (!w.ok) return w;
    if (refs === undefined) return trap('missing =.id=');
    const r = this.resolve(path, refs);
    if (!r.ok) return r;
    let dest: StoredItem | undefined;
    if (destination !== undefined && destination !== '') {
      const d = this.resolve(path, destination);
      if (!d.ok) return d;
      dest = d.value[0];
    }
    const menu = this.menus.get(path)!;
    if (dest?.fields.dynamic === 'true' || r.value.some((i) => i.fields.dynamic === 'true')) {
      return trap(CANNOT_MOVE_BUILTIN);
    }
    const moving = menu.items.filter((i) => r.value.includes(i));
    const rest = menu.items.filter((i) => !r.value.includes(i));
    const at = dest && !moving.includes(dest) ? rest.indexOf(dest) : rest.length;
    rest.splice(at, 0, ...moving);
    menu.items = rest;
    this.changed(path);
    return done(undefined);
  }

  /** Bookkeeping writes by the router itself (run counters), not checked and not a config change. */
  touch(path: string, id: number, fields: Record<string, string>): void {
    const item = this.items(path).find((i) => i.id === id);
    if (item) Object.assign(item.fields, fields);
  }
}
