/**
 * What the store and a bundle may hold (store/schemas.ts): a snapshot from this machine is read
 * as it was saved; one from a bundle is held to what a restore brings back and nothing that would
 * run code on a box. Damaged or tampered data is refused with the place named, never cast.
 */
import { describe, expect, it } from 'vitest';
import {
  boxIdentitySchema,
  changeSchema,
  parseJsonColumn,
  parseSnapshotParts,
  parseWith,
  planSchema,
  routerStateSchema,
  RUN_STATUSES,
  SchemaError,
} from '../../../electron/store/schemas';
import { stockPbx } from '../pbx/fixtures/stock';
import { defconfRouter } from '../routeros/fixtures/defconf';

/** What a bundle's JSON file reads back as: plain objects, as JSON.parse makes them. */
const asJson = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

function routerWithCode() {
  const router = defconfRouter();
  router.scripts = [{ '.id': '*1', name: 'backup', source: '/system backup save' }];
  router.schedulers = [{ '.id': '*2', name: 'nightly', 'on-event': 'backup' }];
  return router;
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (caught) {
    expect(caught).toBeInstanceOf(SchemaError);
    return (caught as Error).message;
  }
  return 'accepted';
}

describe('a snapshot read back', () => {
  it('from this machine keeps everything it held', () => {
    const router = routerWithCode();
    const pbx = stockPbx();
    const parsed = parseSnapshotParts({ router: asJson(router), pbx: asJson(pbx) }, 'local');
    expect(parsed.router).toEqual(router);
    expect(parsed.pbx?.varsXml).toBe(pbx.varsXml);
    expect(parsed.pbx?.firewall).toEqual(pbx.firewall);
  });

  it('from a bundle drops what a restore would run: router scripts and schedulers, vars.xml text, the host firewall', () => {
    const parsed = parseSnapshotParts({ router: asJson(routerWithCode()), pbx: asJson(stockPbx()) }, 'imported');
    expect(parsed.router?.scripts).toEqual([]);
    expect(parsed.router?.schedulers).toEqual([]);
    expect(parsed.router?.nat).toEqual(defconfRouter().nat);
    expect(parsed.pbx?.varsXml).toBeNull();
    expect(parsed.pbx?.firewall).toBeNull();
    expect(parsed.pbx?.vars).toEqual(stockPbx().vars);
  });

  it('holds only the parts it was given', () => {
    expect(parseSnapshotParts({}, 'imported')).toEqual({});
    expect(Object.keys(parseSnapshotParts({ pbx: asJson(stockPbx()) }, 'local'))).toEqual(['pbx']);
  });

  it('from a bundle refuses a variable that runs a shell command when FreeSWITCH loads it (exec-set)', () => {
    const pbx = stockPbx();
    pbx.vars[0] = { ...pbx.vars[0]!, var_command: 'exec-set' };
    expect(refusal(() => parseSnapshotParts({ pbx: asJson(pbx) }, 'imported'))).toBe(
      'snapshot pbx: vars.0.var_command: only "set" variables are restored',
    );
    // This machine's own snapshot says what the PBX had; a restore of it is judged elsewhere.
    expect(parseSnapshotParts({ pbx: asJson(pbx) }, 'local').pbx?.vars[0]?.var_command).toBe('exec-set');
  });

  it('from a bundle accepts set variables and rows that leave the command empty', () => {
    const pbx = stockPbx();
    pbx.vars[0] = { ...pbx.vars[0]!, var_command: 'set' };
    pbx.vars[1] = { ...pbx.vars[1]!, var_command: null };
    expect(
      parseSnapshotParts({ pbx: asJson(pbx) }, 'imported')
        .pbx?.vars.slice(0, 2)
        .map((v) => v.var_command),
    ).toEqual(['set', null]);
  });

  it('from a bundle refuses a column the wizard does not restore, naming table row and column', () => {
    const pbx = asJson(stockPbx()) as { extensions: Record<string, unknown>[] };
    pbx.extensions[2]!.password = 'secret';
    expect(refusal(() => parseSnapshotParts({ pbx }, 'imported'))).toBe(
      'snapshot pbx: extensions.2.password: password is not a column the wizard restores',
    );
    expect(parseSnapshotParts({ pbx }, 'local').pbx?.extensions[2]).toHaveProperty('password', 'secret');
  });

  it('refuses rows without the columns a planner reads, from either origin', () => {
    for (const [table, column, message] of [
      ['vars', 'var_uuid', 'no var_uuid'],
      ['vars', 'var_name', 'no var_name column'],
      ['profiles', 'sip_profile_name', 'no sip_profile_name'],
      ['profiles', 'sip_profile_enabled', 'no sip_profile_enabled column'],
      ['settings', 'sip_profile_uuid', 'no sip_profile_uuid'],
      ['settings', 'sip_profile_setting_value', 'no sip_profile_setting_value column'],
      ['extensions', 'extension_uuid', 'no extension_uuid'],
      ['extensions', 'sip_bypass_media', 'no sip_bypass_media column'],
      ['domains', 'domain_uuid', 'no domain_uuid'],
      ['domains', 'domain_name', 'no domain_name column'],
    ] as const) {
      for (const origin of ['local', 'imported'] as const) {
        const pbx = asJson(stockPbx()) as Record<string, Record<string, unknown>[]>;
        delete pbx[table]![0]![column];
        expect(refusal(() => parseSnapshotParts({ pbx }, origin))).toBe(
          `snapshot pbx: ${table}.0.${column}: ${message}`,
        );
      }
    }
  });

  it('refuses a uuid that is not text even where the column is there', () => {
    const pbx = asJson(stockPbx()) as { domains: Record<string, unknown>[] };
    pbx.domains[0]!.domain_uuid = null;
    expect(refusal(() => parseSnapshotParts({ pbx }, 'local'))).toBe(
      'snapshot pbx: domains.0.domain_uuid: no domain_uuid',
    );
  });

  it('refuses a router item with a __proto__ key, without an id, or with a field RouterOS never prints', () => {
    const tampered = asJson(defconfRouter()) as { nat: unknown[] };
    tampered.nat.push(JSON.parse('{".id":"*9","__proto__":{"polluted":"yes"}}'));
    expect(refusal(() => parseSnapshotParts({ router: tampered }, 'imported'))).toMatch(
      /^snapshot router: nat\.\d+: an object with a __proto__ key$/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const nulled = asJson(defconfRouter()) as { nat: unknown[] };
    nulled.nat.push(null);
    expect(refusal(() => parseSnapshotParts({ router: nulled }, 'local'))).toMatch(/^snapshot router: nat\.\d+: /);

    const noId = asJson(defconfRouter()) as { filter: Record<string, string>[] };
    delete noId.filter[0]!['.id'];
    expect(refusal(() => parseSnapshotParts({ router: noId }, 'local'))).toBe(
      'snapshot router: filter.0: an item without .id',
    );

    for (const field of ['Chain', 'to addresses', '-x', '..id', 'a'.repeat(65)]) {
      const odd = asJson(defconfRouter()) as { nat: Record<string, string>[] };
      odd.nat[0]![field] = 'x';
      expect(refusal(() => parseWith(routerStateSchema, odd, 'router'))).toMatch(/^router: nat\.0/);
    }
    const fine = asJson(defconfRouter()) as { nat: Record<string, string>[] };
    fine.nat[0]!['to-addresses'] = '10.0.0.1';
    fine.nat[0]!['.nextid'] = '*5';
    expect(parseWith(routerStateSchema, fine, 'router').nat[0]).toMatchObject({ 'to-addresses': '10.0.0.1' });
  });

  it('refuses a router part with a menu it does not know or without one it needs', () => {
    const extra = { ...(asJson(defconfRouter()) as object), users: [] };
    expect(refusal(() => parseSnapshotParts({ router: extra }, 'local'))).toMatch(/^snapshot router: \(top\): /);
    const missing = asJson(defconfRouter()) as Record<string, unknown>;
    delete missing.nat;
    expect(refusal(() => parseSnapshotParts({ router: missing }, 'local'))).toMatch(/^snapshot router: nat: /);
  });
});

describe('plans and rows read back', () => {
  const change = {
    id: 'router-1',
    target: 'router',
    path: '/ip/firewall/nat',
    action: 'add',
    before: null,
    after: { chain: 'dstnat', 'to-ports': '5060', '.id': '*1', 'place-before': '*2', 'x:y/z': null },
    reason: 'Forwards SIP.',
  };

  it('keep a change whose field names are RouterOS or PBX column names', () => {
    expect(parseWith(changeSchema, change, 'plan')).toEqual(change);
    expect(
      parseWith(planSchema, { changes: [change], warnings: [], facts: { 'router.identity': 'x' } }, 'plan'),
    ).toMatchObject({
      facts: { 'router.identity': 'x' },
    });
  });

  it('refuse field names that are empty, start with a digit or dash, or play prototype games', () => {
    for (const name of ['', '1x', '-x', '__proto__', 'a b', 'a'.repeat(129)]) {
      const odd = asJson(change) as { after: Record<string, unknown> };
      odd.after = JSON.parse(`{${JSON.stringify(name)}:"v"}`);
      expect(refusal(() => parseWith(changeSchema, odd, 'plan'))).toMatch(/^plan: after/);
    }
  });

  it('name at most three problems, each with its place', () => {
    const message = refusal(() => parseWith(changeSchema, { id: 1, target: 'x', path: 2, action: 'y' }, 'run 7'));
    expect(message.startsWith('run 7: id: ')).toBe(true);
    const [first, second, third, ...more] = message.slice('run 7: '.length).split('; ');
    expect([first, second, third].map((p) => p?.split(':')[0])).toEqual(['id', 'target', 'path']);
    expect(more).toEqual([]);
  });

  it('a damaged JSON column is refused as the store names it, not thrown as a SyntaxError', () => {
    expect(parseJsonColumn(planSchema, '{"changes":[],"warnings":[],"facts":{}}', 'run 1 plan')).toEqual({
      changes: [],
      warnings: [],
      facts: {},
    });
    let caught: unknown;
    try {
      parseJsonColumn(planSchema, '{"changes":', 'run 1 plan');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SchemaError);
    expect(caught).toMatchObject({ name: 'SchemaError', where: 'run 1 plan' });
    expect((caught as Error).message).toMatch(/^run 1 plan: \(top\): .*JSON/);
  });

  it('know every status a run passes through', () => {
    expect(RUN_STATUSES).toEqual([
      'planned',
      'applying',
      'applied',
      'verified',
      'confirmed',
      'failed',
      'rolled-back',
      'interrupted',
    ]);
  });

  it('hold a box identity with MAC addresses as RouterOS prints them', () => {
    const identity = {
      router: { identity: 'office', board: 'hEX', macs: ['DC:2C:6E:01:02:03'] },
      pbx: { hostname: 'pbx' },
    };
    expect(parseWith(boxIdentitySchema, identity, 'box')).toEqual(identity);
    for (const mac of ['dc:2c:6e:01:02:03', 'DC:2C:6E:01:02', 'DC-2C-6E-01-02-03', 'xDC:2C:6E:01:02:03']) {
      expect(
        refusal(() => parseWith(boxIdentitySchema, { router: { ...identity.router, macs: [mac] } }, 'box')),
      ).toMatch(/^box: router\.macs\.0: /);
    }
  });
});
