import { describe, expect, it } from 'vitest';
import type { RouterChange } from '../../../electron/routeros/change';
import { routerScripts } from '../../../electron/routeros/export';
import { addMinutes, REVERT_NAME, revertConfirm, revertInstall, rollbackOf } from '../../../electron/routeros/revert';
import { changeCommands, cliMenu, renderRsc, rosString } from '../../../electron/routeros/script';
import { HOSTILE } from '../pbx/hostile';
import { customRouter, HOSTILE_COMMENT } from './fixtures/custom';
import { defconfRouter } from './fixtures/defconf';
import { apply, baseInputs, plan } from './helpers';

/** Reads a RouterOS "…" string back, from the escape rules in the RouterOS scripting manual. */
function readRosString(literal: string): string {
  expect(literal.startsWith('"') && literal.endsWith('"')).toBe(true);
  const body = literal.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i += 1) {
    const ch = body[i]!;
    if (ch === '"' || ch === '$' || ch === '?') throw new Error(`unescaped ${ch} at ${i}`);
    if (ch !== '\\') {
      bytes.push(ch.charCodeAt(0));
      continue;
    }
    const next = body[i + 1]!;
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, '"': 34, '\\': 92, $: 36, '?': 63 };
    if (next in simple) {
      bytes.push(simple[next]!);
      i += 1;
    } else {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

describe('RouterOS string quoting', () => {
  it('reads back every hostile value and stays printable ASCII on one line', () => {
    for (const text of HOSTILE.slice(0, -1)) {
      // As the router holds it, and the API client carries it: its bytes, one char each.
      const value = Buffer.from(text, 'utf8').toString('latin1');
      const literal = rosString(value);
      expect(literal).toMatch(/^[\x20-\x7e]*$/);
      expect(Buffer.from(readRosString(literal), 'utf8').toString('latin1')).toBe(value);
    }
  });

  it('escapes variable substitution and console help', () => {
    expect(rosString('$(reboot) ?')).toBe('"\\$(reboot) \\?"');
  });
});

describe('rendering changes as .rsc', () => {
  it('writes menus the console way', () => {
    expect(cliMenu('/ip/firewall/nat')).toBe('/ip firewall nat');
    expect(cliMenu('/system/scheduler')).toBe('/system scheduler');
  });

  it('renders a defconf plan: the helper by id, adds with quoted comments', () => {
    const p = plan(defconfRouter(), baseInputs({ phones: [{ name: `Bob's "home" $x`, address: '192.0.2.20' }] }));
    const rsc = renderRsc(p.changes, { title: 'plan' });
    if (!rsc.ok) throw new Error(rsc.error.message);
    const lines = rsc.value.trimEnd().split('\n');
    expect(lines).toContain('/ip firewall service-port set *4 disabled=yes');
    expect(lines).toContain(
      '/ip firewall address-list add list=fspbx-phones address=192.0.2.20 comment="fspbx-nat: phone Bob\'s \\"home\\" \\$x"',
    );
    expect(lines).toContain(
      '/ip firewall nat add chain=dstnat action=dst-nat protocol=udp in-interface-list=WAN dst-port=5060 src-address-list=fspbx-phones to-addresses=192.168.88.10 to-ports=5060 comment="fspbx-nat: forward sip phones udp"',
    );
    expect(lines.every((l) => l.startsWith('#') || l.startsWith('/ip firewall '))).toBe(true);
  });

  it('places accepts before the blocking rule and finds owned items by tag when removing', () => {
    const state = customRouter();
    const inputs = baseInputs({ pbxAddress: '10.20.0.10' });
    const applied = apply(state, plan(state, inputs).changes);
    const shrink = plan(applied, { ...inputs, phones: [] });
    const rsc = renderRsc(shrink.changes, { title: 'shrink' });
    if (!rsc.ok) throw new Error(rsc.error.message);
    expect(rsc.value).toContain('/ip firewall filter remove [find where comment="fspbx-nat: accept sip phones udp"]');
    expect(rsc.value).toContain(
      '/ip firewall address-list remove [find where list="fspbx-phones" and address="192.0.2.20" and comment="fspbx-nat: phone Home office"]',
    );
    const first = renderRsc(plan(state, inputs).changes, { title: 'plan' });
    expect(first.ok && first.value).toMatch(/\/ip firewall filter add chain=forward .* place-before=\*13/);
  });

  it('unsets fields with value-name and refuses unsafe field names or references', () => {
    const change: RouterChange = {
      id: 'x',
      target: 'router',
      path: '/ip/firewall/nat',
      action: 'set',
      itemId: '*21',
      before: { 'to-ports': '2022', 'src-address': '192.0.2.0/24' },
      after: { 'to-ports': '22', 'src-address': null },
      reason: 'r',
    };
    expect(changeCommands(change)).toEqual({
      ok: true,
      value: ['/ip firewall nat set *21 to-ports=22', '/ip firewall nat unset *21 value-name=src-address'],
    });
    expect(changeCommands({ ...change, after: { 'x y': '1' } }).ok).toBe(false);
    expect(changeCommands({ ...change, itemId: '*1; /system reboot' }).ok).toBe(false);
    expect(changeCommands({ ...change, action: 'add', placeBefore: '0 ; /system reboot' }).ok).toBe(false);
  });

  it('keeps hostile reasons inside one comment line', () => {
    const change: RouterChange = {
      id: 'x',
      target: 'router',
      path: '/ip/firewall/nat',
      action: 'remove',
      itemId: '*21',
      before: null,
      after: null,
      reason: 'line one\n/system reset-configuration',
    };
    const rsc = renderRsc([change], { title: 't' });
    expect(rsc.ok && rsc.value.split('\n').filter((l) => l.startsWith('/system'))).toEqual([]);
  });
});

describe('rollback of a plan and the commit-confirmed revert', () => {
  it('computes the rollback before applying: tagged finds for new items, ids for existing ones', () => {
    const state = defconfRouter();
    const p = plan(state, baseInputs());
    const rollback = rollbackOf(state, p);
    if (!rollback.ok) throw new Error(rollback.error.message);
    const rsc = renderRsc(rollback.value.changes, { title: 'rollback' });
    if (!rsc.ok) throw new Error(rsc.error.message);
    expect(rsc.value).toContain('/ip firewall service-port set *4 disabled=no');
    expect(rsc.value).toContain('/ip firewall nat remove [find where comment="fspbx-nat: forward rtp trunks udp"]');
    expect(rsc.value).not.toMatch(/remove \*[0-9A-F]+/);
  });

  it('installs a script that removes its timer first, undoes each step on its own, then removes itself', () => {
    const state = customRouter();
    const p = plan(state, baseInputs({ pbxAddress: '10.20.0.10' }));
    const rollback = rollbackOf(state, p);
    if (!rollback.ok) throw new Error('rollback');
    const install = revertInstall(rollback.value.changes, { date: '2026-11-25', time: '23:58:30' }, 5);
    if (!install.ok) throw new Error(install.error.message);
    const [script, scheduler] = install.value.changes;
    expect(script).toMatchObject({ path: '/system/script', action: 'add', after: { name: REVERT_NAME } });
    expect(scheduler?.after).toMatchObject({
      name: REVERT_NAME,
      'start-date': '2026-11-26',
      'start-time': '00:03:30',
      interval: '5m',
      'on-event': `/system script run ${REVERT_NAME}`,
    });
    const lines = install.value.source.trimEnd().split('\n');
    expect(lines[0]).toBe(`/system scheduler remove [find where name="${REVERT_NAME}"]`);
    expect(lines.at(-1)).toBe(`/system script remove [find where name="${REVERT_NAME}"]`);
    const steps = lines.filter((l) => l.startsWith(':do {'));
    expect(steps.length).toBe(rollback.value.changes.length);
    expect(steps.every((l) => / \} on-error=\{ :log warning "fspbx-nat: restore-\d+ failed" \}$/.test(l))).toBe(true);
    // The technician's hostile comment never appears raw in the script.
    expect(install.value.source).not.toContain(HOSTILE_COMMENT);
    const rendered = renderRsc(install.value.changes, { title: 'install' });
    expect(rendered.ok && rendered.value.split('\n').filter((l) => l.startsWith('/system')).length).toBe(2);
  });

  it('confirm removes the timer before the script', () => {
    expect(revertConfirm().map((c) => [c.path, c.action, c.match])).toEqual([
      ['/system/scheduler', 'remove', { name: REVERT_NAME }],
      ['/system/script', 'remove', { name: REVERT_NAME }],
    ]);
    const rsc = renderRsc(revertConfirm(), { title: 'confirm' });
    expect(rsc.ok && rsc.value).toContain(`/system scheduler remove [find where name="${REVERT_NAME}"]`);
  });

  it('adds minutes on the router clock across days, years and the old date format', () => {
    expect(addMinutes({ date: '2026-12-31', time: '23:59:00' }, 5)).toEqual({
      ok: true,
      value: { date: '2027-01-01', time: '00:04:00' },
    });
    expect(addMinutes({ date: 'feb/28/2028', time: '23:30:00' }, 60)).toEqual({
      ok: true,
      value: { date: 'feb/29/2028', time: '00:30:00' },
    });
    expect(addMinutes({ date: 'someday', time: '1' }, 5).ok).toBe(false);
    expect(revertInstall([], { date: '2026-11-25', time: '08:00:00' }, 0).ok).toBe(false);
  });
});

describe('router scripts for the bundle', () => {
  it('renders the plan and its rollback, with hostile router and peer names kept inside comments and strings', () => {
    const state = customRouter();
    const inputs = baseInputs({
      pbxAddress: '10.20.0.10',
      trunks: [{ name: 'x" ; /system reboot ?', address: '198.51.100.10' }],
    });
    const scripts = routerScripts(state, plan(state, inputs), state.identity);
    if (!scripts.ok) throw new Error(scripts.error.message);
    for (const text of [scripts.value.plan, scripts.value.rollback]) {
      const commands = text.split('\n').filter((l) => l && !l.startsWith('#'));
      expect(commands.every((l) => /^(\/ip firewall |:do \{ \/ip firewall )/.test(l))).toBe(true);
    }
    expect(scripts.value.plan.split('\n')[0]).toBe('# fspbx-nat plan for office "gw" ; $x');
    expect(scripts.value.plan).toContain('comment="fspbx-nat: trunk x\\" ; /system reboot \\?"');
  });
});
