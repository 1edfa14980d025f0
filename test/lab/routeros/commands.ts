/**
 * Executes one RouterOS command against the model: the same code serves the
 * API server and the script interpreter, so both see the same traps.
 */
import { compileQuery } from './api/query';
import { takeParam } from './api/request';
import { type Actor, NOT_ENOUGH_PERMISSIONS, type Op, type RouterModel } from './model/router';

export type Reply =
  | { kind: '!re'; attrs: Record<string, string> }
  | { kind: '!done'; ret?: string }
  | { kind: '!trap'; message: string; category?: number }
  | { kind: '!empty' };

export interface CommandServices {
  model: RouterModel;
  /** RouterOS >= 7.18 answers an empty print with `!empty`. */
  sendsEmpty: boolean;
  exportText(path: string): string;
  runScript(ref: string, actor: Actor): Promise<Op<void>>;
  /** Brings firewall counters up to date before a print shows them. */
  refreshCounters(path: string): Promise<void>;
  /** `/certificate/sign`: makes the key pair and the self-signed certificate of a template (`ca` names an issuer). */
  signCertificate(ref: string, actor: Actor, ca?: string): Promise<Op<void>>;
  /** `/ip/dhcp-client/renew` and `release` (model/dhcp-client.ts). */
  renewDhcp?(ref: string, actor: Actor): Promise<Op<void>>;
}

export interface Command {
  /** Menu path without the verb, e.g. `/ip/firewall/nat`; '' for top-level commands. */
  menu: string;
  verb: string;
  params: [string, string][];
  queries: string[];
}

const PRINT_ARGS = new Set([
  'stats',
  'detail',
  'without-paging',
  'terse',
  'brief',
  'follow',
  'follow-only',
  'interval',
  'from',
  'count-only',
  'as-value',
  'where',
  'value-list',
  'show-ids',
  'file',
  'all',
]);

export function splitCommandWord(word: string): { menu: string; verb: string } {
  const cut = word.lastIndexOf('/');
  return { menu: word.slice(0, cut), verb: word.slice(cut + 1) };
}

const trapReply = (message: string, category?: number): Reply[] => [
  category === undefined ? { kind: '!trap', message } : { kind: '!trap', message, category },
  { kind: '!done' },
];

function fromOp(op: Op<unknown>, ret?: string): Reply[] {
  if (!op.ok) return trapReply(op.trap.message, op.trap.category);
  return [ret === undefined ? { kind: '!done' } : { kind: '!done', ret }];
}

export async function executeCommand(s: CommandServices, cmd: Command, actor: Actor): Promise<Reply[]> {
  const { model } = s;
  const params = [...cmd.params];
  if (cmd.menu === '' && cmd.verb === 'export') return exportReply(s, '', actor);
  const def = model.def(cmd.menu);
  if (!def) return trapReply('no such command prefix', 0);
  if (!actor.policies.has('read')) return trapReply(NOT_ENOUGH_PERMISSIONS);
  switch (cmd.verb) {
    case 'print': {
      const proplistRaw = takeParam(params, '.proplist');
      const countOnly = takeParam(params, 'count-only') !== undefined;
      const from = takeParam(params, 'from');
      for (const [name] of params) if (!PRINT_ARGS.has(name)) return trapReply(`unknown parameter ${name}`);
      const query = compileQuery(cmd.queries);
      if (!query.ok) return trapReply(query.message);
      await s.refreshCounters(cmd.menu);
      let items = model.print(cmd.menu).filter(query.matches);
      if (from !== undefined) {
        const wanted = model.resolve(cmd.menu, from);
        if (!wanted.ok) return trapReply(wanted.trap.message);
        const ids = new Set(wanted.value.map((i) => `*${i.id.toString(16).toUpperCase()}`));
        items = items.filter((i) => ids.has(i['.id'] ?? ''));
      }
      if (countOnly) return [{ kind: '!done', ret: String(items.length) }];
      // A wrong name in .proplist is not an error: it is simply not printed.
      const proplist = proplistRaw?.split(',').filter((p) => p !== '');
      const replies: Reply[] = items.map((item) => ({
        kind: '!re',
        attrs: proplist ? Object.fromEntries(proplist.filter((p) => p in item).map((p) => [p, item[p]!])) : item,
      }));
      if (replies.length === 0 && s.sendsEmpty) replies.push({ kind: '!empty' });
      replies.push({ kind: '!done' });
      return replies;
    }
    case 'get': {
      const valueName = takeParam(params, 'value-name');
      const ref = takeParam(params, '.id', 'numbers', 'number');
      const items = def.kind === 'single' || def.kind === 'readonly' ? model.print(cmd.menu) : undefined;
      let item = items?.[0];
      if (!items) {
        if (ref === undefined) return trapReply('missing =.id=');
        const r = model.resolve(cmd.menu, ref);
        if (!r.ok) return trapReply(r.trap.message);
        // An empty `[find …]`: RouterOS says "no such item" (community.routeros plugins/terminal/routeros.py).
        const first = r.value[0];
        if (!first) return trapReply('no such item');
        item = model.print(cmd.menu).find((i) => i['.id'] === `*${first.id.toString(16).toUpperCase()}`);
      }
      if (valueName === undefined) return trapReply('missing value-name');
      const value = item?.[valueName];
      if (value === undefined) return trapReply(`unknown parameter ${valueName}`);
      return [{ kind: '!done', ret: value }];
    }
    case 'add': {
      const placeBefore = takeParam(params, 'place-before');
      return fromAdd(model.add(cmd.menu, params, actor, placeBefore));
    }
    case 'set': {
      const ref = takeParam(params, '.id', 'numbers');
      return fromOp(model.set(cmd.menu, ref, params, actor));
    }
    case 'unset': {
      const ref = takeParam(params, '.id', 'numbers');
      const valueName = takeParam(params, 'value-name');
      if (valueName === undefined) return trapReply('missing value-name');
      return fromOp(model.set(cmd.menu, ref, [[`!${valueName}`, '']], actor));
    }
    case 'remove':
    case 'enable':
    case 'disable': {
      const ref = takeParam(params, '.id', 'numbers');
      for (const [name] of params) return trapReply(`unknown parameter ${name}`);
      if (cmd.verb === 'remove') return fromOp(model.remove(cmd.menu, ref, actor));
      return fromOp(model.setDisabled(cmd.menu, ref, cmd.verb === 'disable', actor));
    }
    case 'move': {
      const ref = takeParam(params, '.id', 'numbers');
      const destination = takeParam(params, 'destination');
      return fromOp(model.move(cmd.menu, ref, destination, actor));
    }
    case 'export':
      return exportReply(s, cmd.menu, actor);
    case 'sign': {
      // https://help.mikrotik.com/docs/display/ROS/Certificates: `sign <name>` (CLI positional = number).
      if (cmd.menu !== '/certificate') return trapReply('no such command', 0);
      const ref = takeParam(params, '.id', 'number', 'numbers');
      if (ref === undefined) return trapReply('missing =.id=');
      const ca = takeParam(params, 'ca');
      for (const [name] of params) if (name !== 'ca-crl-host') return trapReply(`unknown parameter ${name}`);
      return fromOp(await s.signCertificate(ref, actor, ca));
    }
    case 'renew':
    case 'release': {
      if (cmd.menu !== '/ip/dhcp-client' || !s.renewDhcp) return trapReply('no such command', 0);
      const ref = takeParam(params, '.id', 'numbers');
      if (ref === undefined) return trapReply('missing =.id=');
      return fromOp(await s.renewDhcp(ref, actor));
    }
    case 'run': {
      if (cmd.menu !== '/system/script') return trapReply('no such command', 0);
      const ref = takeParam(params, '.id', 'number', 'numbers');
      if (ref === undefined) return trapReply('missing =.id=');
      return fromOp(await s.runScript(ref, actor));
    }
    default:
      return trapReply('no such command', 0);
  }
}

function fromAdd(op: Op<string>): Reply[] {
  return op.ok ? [{ kind: '!done', ret: op.value }] : trapReply(op.trap.message, op.trap.category);
}

function exportReply(s: CommandServices, path: string, actor: Actor): Reply[] {
  if (!actor.policies.has('read')) return trapReply(NOT_ENOUGH_PERMISSIONS);
  return [{ kind: '!re', attrs: { ret: s.exportText(path) } }, { kind: '!done' }];
}
