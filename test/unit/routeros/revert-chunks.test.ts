/**
 * A revert too long for one router script (issue 25 item 7): split into parts of at most
 * REVERT_SCRIPT_BYTES, whole steps each, run in order by one script and one timer; confirm and
 * take-back remove every part; a script the router did not keep as written is named. Plain data.
 */
import { describe, expect, it } from 'vitest';
import { formatPlan } from '../../../electron/cli/format';
import type { RouterChange } from '../../../electron/routeros/change';
import {
  linesSource,
  packBlocks,
  readBackError,
  REVERT_SCRIPT_BYTES,
  type RevertScript,
} from '../../../electron/routeros/revert-chunks';
import {
  isRevertPart,
  leftoverRevert,
  REVERT_NAME,
  revertConfirm,
  revertInstall,
  revertLayout,
  revertPartName,
  revertPreview,
  revertUninstall,
  rollbackOf,
} from '../../../electron/routeros/revert';
import { rscBlocks } from '../../../electron/routeros/script';
import type { RouterState } from '../../../electron/routeros/state';
import { defconfRouter } from './fixtures/defconf';
import { baseInputs, plan } from './helpers';

/** A router on RouterOS 6.49 (the long-term release many sites still run), defconf otherwise. */
const router649 = (): RouterState => ({ ...defconfRouter(), version: '6.49.17 (long-term)' });

/** 120 remote phones, each its own address: the "6.49 router with 120 phones". */
const PHONES = Array.from({ length: 120 }, (_, i) => ({
  name: `Phone ${i + 1} of the remote office`,
  address: `203.0.113.${i + 1}`,
}));

function bigRollback(): { state: RouterState; changes: RouterChange[]; planned: RouterChange[]; fact?: string } {
  const state = router649();
  const p = plan(state, baseInputs({ phones: PHONES }));
  const rollback = rollbackOf(state, p);
  if (!rollback.ok) throw new Error(rollback.error.message);
  return {
    state,
    changes: rollback.value.changes,
    planned: p.changes,
    ...(p.facts['router.revert'] ? { fact: p.facts['router.revert'] } : {}),
  };
}

const CLOCK = { date: 'nov/25/2026', time: '08:00:00' };

/** The undo steps a source holds, in order: one `:do { … }` line each. */
const steps = (source: string): string[] => source.split('\n').filter((l) => l.startsWith(':do { /ip'));

describe('packing steps into parts', () => {
  // "# part 1\n" and "step-001\n" are 9 bytes each.
  const header = (part: number) => `# part ${part}`;
  const block = (n: number): string[] => [`step-${String(n).padStart(3, '0')}`];

  it('fills a part up to the limit exactly, and opens the next one a byte later, steps whole and in order', () => {
    const blocks = [1, 2, 3, 4].map(block);
    // One header (9) + two steps (18) = 27 bytes.
    expect(packBlocks(blocks, header, 27)).toEqual({
      ok: true,
      value: ['# part 1\nstep-001\nstep-002\n', '# part 2\nstep-003\nstep-004\n'],
    });
    // A header and one step are exactly 18 bytes: a part that size is whole, and 17 refuses the step.
    expect(packBlocks(blocks.slice(0, 2), header, 18)).toEqual({
      ok: true,
      value: ['# part 1\nstep-001\n', '# part 2\nstep-002\n'],
    });
    expect(packBlocks(blocks.slice(0, 1), header, 17).ok).toBe(false);
    const tight = packBlocks(blocks, header, 26);
    expect(tight.ok && tight.value.map((p) => p.length)).toEqual([18, 18, 18, 18]);
    expect(tight.ok && tight.value.join('')).toBe(
      '# part 1\nstep-001\n# part 2\nstep-002\n# part 3\nstep-003\n# part 4\nstep-004\n',
    );
  });

  it('never splits one step: a step with its header over the limit is refused, naming its size', () => {
    const r = packBlocks([['# restore-001: long', 'x'.repeat(400)]], header, 50);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ code: 'invalid_input' });
    // The log gets the step's start, not all of it.
    expect(!r.ok && r.error.detail).toBe(`# part 1\n# restore-001: long\n${'x'.repeat(400)}`.slice(0, 200));
    // 9 (header) + 20 + 401 = 430 bytes.
    expect(!r.ok && r.error.message).toMatch(/takes 430 bytes, more than the 50/);
    expect(packBlocks([], header, 50)).toEqual({ ok: true, value: [] });
  });

  it('counts the newline of every line, the last one too', () => {
    expect(linesSource(['a', 'b'])).toBe('a\nb\n');
    expect(linesSource([])).toBe('');
  });
});

describe('the revert of a 120-phone plan on RouterOS 6.49', () => {
  it('is about 36 KB: three parts of at most 16 KiB, each whole steps, plus the script the timer runs', () => {
    const { changes, fact } = bigRollback();
    const layout = revertLayout(changes);
    if (!layout.ok) throw new Error(layout.error.message);
    const { scripts, bytes } = layout.value;
    expect(bytes).toBeGreaterThan(30_000);
    expect(scripts.map((s) => s.name)).toEqual([
      `${REVERT_NAME}-1`,
      `${REVERT_NAME}-2`,
      `${REVERT_NAME}-3`,
      REVERT_NAME,
    ]);
    for (const s of scripts) expect(s.source.length).toBeLessThanOrEqual(REVERT_SCRIPT_BYTES);
    expect(bytes).toBe(scripts.reduce((n, s) => n + s.source.length, 0));
    // The review shows it before anything is sent.
    expect(fact).toBe(
      `${bytes.toLocaleString('en-US')} bytes in 3 parts of at most 16,384 bytes, run in order by one timer`,
    );
  });

  it('runs every step of the rollback once, in the rollback’s order, across the parts in the order the runner calls them', () => {
    const { changes } = bigRollback();
    const layout = revertLayout(changes);
    if (!layout.ok) throw new Error(layout.error.message);
    const runner = layout.value.scripts.at(-1)!;
    const called = runner.source
      .split('\n')
      .map((l) => /^:do \{ \/system script run (\S+) \}/.exec(l)?.[1])
      .filter((name): name is string => name !== undefined);
    expect(called).toEqual([1, 2, 3].map(revertPartName));
    const byName = new Map(layout.value.scripts.map((s) => [s.name, s.source]));
    const ran = called.flatMap((name) => steps(byName.get(name)!));
    const all = rscBlocks(changes, { continueOnError: true });
    if (!all.ok) throw new Error(all.error.message);
    expect(ran).toEqual(all.value.flat().filter((l) => l.startsWith(':do { /ip')));
    expect(ran.length).toBe(changes.length);
    // Every part says what it is to someone reading System › Scripts.
    for (const [i, name] of called.entries()) {
      expect(byName.get(name)!.split('\n')[0]).toBe(
        `# fspbx-nat: automatic revert, part ${i + 1}, run in order by ${REVERT_NAME}`,
      );
    }
  });

  it('the runner removes the timer first, goes on past a part that fails, then removes every part and itself', () => {
    const { changes } = bigRollback();
    const layout = revertLayout(changes);
    if (!layout.ok) throw new Error(layout.error.message);
    const lines = layout.value.scripts.at(-1)!.source.trimEnd().split('\n');
    expect(lines[0]).toBe(`/system scheduler remove [find where name="${REVERT_NAME}"]`);
    expect(lines[1]).toBe('# fspbx-nat: automatic revert in 3 parts, run in order');
    expect(lines[2]).toBe(
      `:do { /system script run ${REVERT_NAME}-1 } on-error={ :log warning "fspbx-nat: ${REVERT_NAME}-1 failed" }`,
    );
    expect(lines.slice(-5)).toEqual([
      ':log warning "fspbx-nat: change not confirmed, router reverted"',
      `/system script remove [find where name="${REVERT_NAME}-1"]`,
      `/system script remove [find where name="${REVERT_NAME}-2"]`,
      `/system script remove [find where name="${REVERT_NAME}-3"]`,
      `/system script remove [find where name="${REVERT_NAME}"]`,
    ]);
  });

  it('installs the parts, then the runner, then the timer last, all tagged with read and write policies', () => {
    const { changes } = bigRollback();
    const install = revertInstall(changes, CLOCK, 5);
    if (!install.ok) throw new Error(install.error.message);
    const added = install.value.changes;
    expect(added.map((c) => [c.id, c.path, c.after?.name])).toEqual([
      ['revert-script-1', '/system/script', `${REVERT_NAME}-1`],
      ['revert-script-2', '/system/script', `${REVERT_NAME}-2`],
      ['revert-script-3', '/system/script', `${REVERT_NAME}-3`],
      ['revert-script', '/system/script', REVERT_NAME],
      ['revert-scheduler', '/system/scheduler', REVERT_NAME],
    ]);
    for (const part of added.slice(0, 3)) {
      expect(part).toMatchObject({
        target: 'router',
        action: 'add',
        before: null,
        after: { comment: 'fspbx-nat: revert part', policy: 'read,write', 'dont-require-permissions': 'no' },
      });
      expect(part.reason).toMatch(/^Holds part \d of 3 /);
    }
    expect(added.at(-1)?.after).toMatchObject({ 'on-event': `/system script run ${REVERT_NAME}`, interval: '5m' });
    expect(install.value.scripts.map((s) => s.source)).toEqual(added.slice(0, 4).map((c) => c.after?.source));
    expect(install.value.source).toBe(install.value.scripts.at(-1)!.source);
  });
});

describe('what the technician reads before anything is sent', () => {
  it('the CLI’s plan lists the automatic undo’s size and parts under the changes, as the Review’s summary does', () => {
    const { fact } = bigRollback();
    const p = plan(router649(), baseInputs({ phones: PHONES }));
    const text = formatPlan({ runId: 'r-1', plan: p });
    expect(text).toContain(`\n\nAutomatic undo on the router: ${fact}\n`);
    expect(formatPlan({ runId: 'r-2', plan: { changes: [], warnings: [], facts: {} } })).not.toContain('undo');
  });
});

describe('the plan’s preview of the revert', () => {
  const before = router649();
  const add = (comment: string): RouterChange => ({
    id: 'router-001',
    target: 'router',
    path: '/ip/firewall/address-list',
    action: 'add',
    before: null,
    after: { list: 'fspbx-phones', address: '192.0.2.9', comment },
    reason: 'A phone.',
  });

  it('says nothing when nothing changes, or when the changes do not apply to the state', () => {
    expect(revertPreview(before, [])).toBeUndefined();
    const missing: RouterChange = {
      ...add('x'),
      action: 'remove',
      itemId: '*FFFF',
      before: { list: 'x' },
      after: null,
    };
    expect(revertPreview(before, [missing])).toBeUndefined();
  });

  it('warns, before anything is sent, when one step of the revert is longer than a router script of the wizard may hold', () => {
    expect(revertPreview(before, [add('fspbx-nat: phone')])).toEqual({
      fact: expect.stringMatching(/^[\d,]+ bytes in one script, run by one timer$/),
    });
    const long = revertPreview(before, [add(`fspbx-nat: ${'x'.repeat(20_000)}`)]);
    expect(long).toEqual({
      warning: {
        code: 'revert-too-large',
        target: 'router',
        message: expect.stringMatching(
          /^One change of the automatic revert takes 20,\d{3} bytes, more than the 16,384 /,
        ),
      },
    });
  });
});

describe('the one-script boundary', () => {
  it('stays one script at exactly the limit and becomes parts one byte under it', () => {
    const { changes } = bigRollback();
    const few = changes.slice(0, 12);
    const one = revertLayout(few, 100_000);
    if (!one.ok) throw new Error(one.error.message);
    const size = one.value.bytes;
    const exact = revertLayout(few, size);
    expect(exact.ok && exact.value.scripts.map((s) => s.name)).toEqual([REVERT_NAME]);
    const under = revertLayout(few, size - 1);
    // The parts carry no timer or log lines: the steps may fit one part, beside the runner.
    expect(under.ok && under.value.scripts.map((s) => s.name)).toEqual([`${REVERT_NAME}-1`, REVERT_NAME]);
    expect(under.ok && under.value.scripts.every((s) => s.source.length <= size - 1)).toBe(true);
  });

  it('a small plan keeps one script and says so in the plan', () => {
    const state = router649();
    const p = plan(state, baseInputs());
    expect(p.facts['router.revert']).toMatch(/^[\d,]+ bytes in one script, run by one timer$/);
    const rollback = rollbackOf(state, p);
    const install = rollback.ok ? revertInstall(rollback.value.changes, CLOCK, 5) : rollback;
    expect(install.ok && install.value.changes.map((c) => c.id)).toEqual(['revert-script', 'revert-scheduler']);
  });

  it('refuses a step longer than a part, naming its size', () => {
    const { changes } = bigRollback();
    const r = revertLayout(changes, 200);
    expect(r.ok || r.error).toMatchObject({ code: 'invalid_input' });
    expect(r.ok || r.error.message).toMatch(/^One change of the automatic revert takes \d+ bytes, more than the 200 /);
  });

  it('refuses a revert whose parts are too many for one runner, before anything is sent', () => {
    const { changes } = bigRollback();
    const blocks = rscBlocks(changes, { continueOnError: true });
    if (!blocks.ok) throw new Error(blocks.error.message);
    // Room for the longest step and its part's header: a part or more per two steps, whose calls fill more than that.
    const limit = Math.max(...blocks.value.map((b) => linesSource(b).length)) + 80;
    const r = revertLayout(changes, limit);
    expect(r.ok || r.error).toMatchObject({ code: 'invalid_input' });
    expect(r.ok || r.error.message).toMatch(/would need \d+ scripts, too many to run from one/);
  });
});

describe('calling a revert in parts off', () => {
  it('confirm removes the timer, the runner and each part found, and nothing else', () => {
    const changes = revertConfirm([
      `${REVERT_NAME}-2`,
      `${REVERT_NAME}-1`,
      `${REVERT_NAME}-0`,
      `${REVERT_NAME}-x`,
      'my-own-script',
    ]);
    expect(changes.map((c) => [c.id, c.path, c.action, c.match])).toEqual([
      ['confirm-1', '/system/scheduler', 'remove', { name: REVERT_NAME }],
      ['confirm-2', '/system/script', 'remove', { name: REVERT_NAME }],
      ['confirm-3', '/system/script', 'remove', { name: `${REVERT_NAME}-2` }],
      ['confirm-4', '/system/script', 'remove', { name: `${REVERT_NAME}-1` }],
    ]);
    expect(changes.map((c) => c.reason)).toEqual([
      'The technician confirmed: the automatic revert is called off.',
      'The revert script is no longer needed.',
      'This part of the revert script is no longer needed.',
      'This part of the revert script is no longer needed.',
    ]);
    expect([`${REVERT_NAME}-1`, `${REVERT_NAME}-12`].every(isRevertPart)).toBe(true);
    expect([REVERT_NAME, `${REVERT_NAME}-01`, `${REVERT_NAME}-1a`, `x${REVERT_NAME}-1`].some(isRevertPart)).toBe(false);
  });

  it('take-back removes what this install added, timer first, then the runner and the parts last to first, by id', () => {
    const taken = revertUninstall([
      { id: 'revert-script-1', status: 'applied', itemId: '*P1' },
      { id: 'revert-script-2', status: 'applied', itemId: '*P2' },
      { id: 'revert-script-3', status: 'failed', itemId: '*P3' },
      { id: 'revert-script-10', status: 'applied', itemId: '*P10' },
      { id: 'revert-script', status: 'not-sent' },
      // Not this install's parts: another change, a name only like one.
      { id: 'router-001', status: 'applied', itemId: '*N1' },
      { id: 'xrevert-script-4', status: 'applied', itemId: '*X4' },
      { id: 'revert-script-5b', status: 'applied', itemId: '*X5' },
    ]);
    expect(taken.map((c) => [c.id, c.path, c.itemId, c.before])).toEqual([
      ['uninstall-script-10', '/system/script', '*P10', { name: `${REVERT_NAME}-10` }],
      ['uninstall-script-2', '/system/script', '*P2', { name: `${REVERT_NAME}-2` }],
      ['uninstall-script-1', '/system/script', '*P1', { name: `${REVERT_NAME}-1` }],
    ]);
    expect(
      revertUninstall([
        { id: 'revert-script-1', status: 'applied', itemId: '*P1' },
        { id: 'revert-script', status: 'applied', itemId: '*S' },
        { id: 'revert-scheduler', status: 'applied', itemId: '*T' },
      ]).map((c) => c.id),
    ).toEqual(['uninstall-scheduler', 'uninstall-script', 'uninstall-script-1']);
  });
});

describe('revert scripts left on the router with no timer', () => {
  it('stop a new install, named, with where to remove them; other scripts do not', () => {
    expect(leftoverRevert(['my-backup', 'fspbx-nat-other', `${REVERT_NAME}-0`, ''])).toBeUndefined();
    expect(leftoverRevert([`${REVERT_NAME}-2`, 'my-backup', REVERT_NAME])).toEqual({
      code: 'invalid_input',
      message: `The router still holds the automatic revert's scripts of an earlier apply, with no timer to run them (${REVERT_NAME}-2, ${REVERT_NAME}): remove them in System › Scripts, then apply again.`,
    });
  });
});

describe('reading the scripts back', () => {
  const written: RevertScript[] = [
    { name: `${REVERT_NAME}-1`, source: 'a'.repeat(5000) },
    { name: REVERT_NAME, source: '/system script run x\n' },
  ];

  it('passes when the router holds every script byte for byte', () => {
    expect(readBackError(written, new Map(written.map((s) => [s.name, s.source])))).toBeUndefined();
  });

  it('names a script the router cut, with what it kept, and what the technician can do', () => {
    const error = readBackError(
      written,
      new Map([
        [`${REVERT_NAME}-1`, 'a'.repeat(4096)],
        [REVERT_NAME, written[1]!.source],
      ]),
    );
    expect(error).toMatchObject({ code: 'io_failed' });
    expect(error?.message).toBe(
      `The router kept 4,096 of the 5,000 bytes written to the automatic revert's script ${REVERT_NAME}-1, so nothing was changed: plan fewer phones or trunks per apply on this router.`,
    );
    expect(error?.detail).toMatch(/at byte 4096 \(written 5000 bytes, read 4096\)/);
  });

  it('names a script that is missing or changed in place (same length, one byte differs)', () => {
    const missing = readBackError(written, new Map([[`${REVERT_NAME}-1`, written[0]!.source]]));
    expect(missing).toEqual({
      code: 'io_failed',
      message: `The router did not keep the automatic revert's script ${REVERT_NAME}, so nothing was changed.`,
      detail: `${REVERT_NAME}: not found when read back after it was added (21 bytes written)`,
    });
    // Longer than written (something appended) is not whole either.
    const longer = readBackError(
      written,
      new Map([
        [`${REVERT_NAME}-1`, `${written[0]!.source}#`],
        [REVERT_NAME, written[1]!.source],
      ]),
    );
    expect(longer?.detail).toBe(
      `${REVERT_NAME}-1: read back differs from what was written at byte 5000 (written 5000 bytes, read 5001)`,
    );
    const changed = readBackError(
      written,
      new Map([
        [`${REVERT_NAME}-1`, written[0]!.source],
        [REVERT_NAME, '/system script run y\n'],
      ]),
    );
    expect(changed?.detail).toBe(
      `${REVERT_NAME}: read back differs from what was written at byte 19 (written 21 bytes, read 21)`,
    );
  });
});
