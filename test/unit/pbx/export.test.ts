import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPbxChanges } from '../../../electron/pbx/plan/apply-rows';
import { pbxScripts } from '../../../electron/pbx/script/export';
import type { PbxChange } from '../../../electron/pbx/model/change';
import { planPbx, type PbxPlan } from '../../../electron/pbx/plan/plan';
import { planPbxRestore } from '../../../electron/pbx/restore/restore';
import { renderShell } from '../../../electron/pbx/script/shell';
import { changeSql, renderSql, ROW_CHANGED_MARKER } from '../../../electron/pbx/script/sql';
import type { PbxState } from '../../../electron/pbx/model/state';
import type { PbxStep } from '../../../electron/pbx/plan/steps';
import { HOSTILE_EXTENSION, stockPbx } from './fixtures/stock';
import { POSTGRES_AVAILABLE, startPostgres, type SingleUserPostgres } from './pg-single';

function plan(state: PbxState): PbxPlan {
  const result = planPbx(state, { publicIp: '203.0.113.2', mediaMode: 'proxy', extensions: [] });
  if (!result.ok) throw new Error('refused');
  return result.plan;
}

function sql(changes: readonly PbxChange[], title = 'test'): string {
  const rendered = renderSql(changes, title);
  if (!rendered.ok) throw new Error(rendered.error.message);
  return rendered.value;
}

describe('SQL export', () => {
  it('is one transaction with one statement per line', () => {
    const text = sql(plan(stockPbx()).changes);
    const lines = text.trimEnd().split('\n');
    expect(lines.slice(1, 3)).toEqual(['SET standard_conforming_strings = on;', 'BEGIN;']);
    expect(lines.at(-1)).toBe('COMMIT;');
    expect(lines.every((l) => l.startsWith('--') || l.endsWith(';'))).toBe(true);
  });

  it('checks the row still holds what the plan saw, NULL included', () => {
    const change: PbxChange = {
      id: 'pbx-009',
      target: 'pbx',
      path: 'v_extensions',
      action: 'set',
      key: 'e0000000-0000-4000-8000-000000000001',
      before: { sip_bypass_media: null },
      after: { sip_bypass_media: 'proxy-media' },
      reason: 'r',
    };
    expect(changeSql(change)).toEqual({
      ok: true,
      value:
        `WITH changed AS (UPDATE "v_extensions" SET "sip_bypass_media" = 'proxy-media' WHERE "extension_uuid" = ` +
        `'e0000000-0000-4000-8000-000000000001' AND "sip_bypass_media" IS NOT DISTINCT FROM NULL RETURNING 1) ` +
        `SELECT CASE WHEN count(*) = 1 THEN 0 ELSE ('${ROW_CHANGED_MARKER} (pbx-009)' || ' [rows: ' || count(*) || ']')::integer END FROM changed;`,
    });
  });

  it('lets the database make uuids for new rows and keeps given ones on re-insert', () => {
    const add: PbxChange = {
      id: 'a',
      target: 'pbx',
      path: 'v_vars',
      action: 'add',
      before: null,
      after: { var_name: 'x', var_value: null },
      reason: 'r',
    };
    expect(changeSql(add)).toEqual({
      ok: true,
      value: `INSERT INTO "v_vars" ("var_uuid", "var_name", "var_value") VALUES (uuid_generate_v4(), 'x', NULL);`,
    });
    const readd = changeSql({ ...add, after: { var_uuid: 'u-1', var_name: 'x' } });
    expect(readd.ok && readd.value).toBe(`INSERT INTO "v_vars" ("var_uuid", "var_name") VALUES ('u-1', 'x');`);
  });

  it('refuses a NUL byte instead of writing it, naming the column', () => {
    const bad = changeSql({
      id: 'a',
      target: 'pbx',
      path: 'v_vars',
      action: 'add',
      before: null,
      after: { var_value: 'a\u0000b' },
      reason: 'r',
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.field).toBe('v_vars.var_value');
  });
});

describe('shell export', () => {
  it('quotes every value and retries a refused restart', () => {
    const steps: PbxStep[] = [
      { kind: 'delete-cache-file', path: "/var/cache/fusionpbx/directory.1'2@x", why: 'why; rm -rf /\nnext' },
      {
        kind: 'fs-cli',
        command: 'sofia profile internal restart',
        why: 'w',
        retry: { whileOutputIncludes: 'must be up for at least 10 seconds', attempts: 6, delaySeconds: 5 },
      },
    ];
    const text = renderShell(steps, { title: 'plan', sqlFile: 'plan.sql' });
    if (!text.ok) throw new Error('refused');
    expect(text.value).toContain(`rm -f -- '/var/cache/fusionpbx/directory.1'\\''2@x'`);
    expect(text.value).toContain("out=$(fs_cli -x 'sofia profile internal restart' 2>&1) || true");
    expect(text.value).toContain("sudo -u postgres psql -d fusionpbx -v ON_ERROR_STOP=1 -X -q -f 'plan.sql'");
    expect(text.value.split('\n').filter((l) => l.startsWith('rm -rf'))).toEqual([]);
    execFileSync('sh', ['-n', '-c', text.value]);
  });

  it('writes a file byte for byte through a real shell, hostile content included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pbx-shell-'));
    try {
      const target = join(dir, "vars 'x'.xml");
      const content = `<X-PRE-PROCESS cmd="set" data="a=$(id) \`id\` 'q' \\ ☎"/>\n\n`;
      const text = renderShell(
        [{ kind: 'write-file', path: target, content, owner: 'root', group: 'root', why: 'w' }],
        {
          title: 't',
        },
      );
      if (!text.ok) throw new Error('refused');
      execFileSync('sh', ['-c', text.value]);
      expect(readFileSync(target, 'utf8')).toBe(content);
      expect(existsSync(`${target}.fspbx-nat.tmp`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the restart retry loop until FreeSWITCH stops refusing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pbx-fscli-'));
    try {
      // A stand-in fs_cli that refuses twice, then accepts, logging what it was asked.
      const fake = join(dir, 'fs_cli');
      writeFileSync(
        fake,
        `#!/bin/sh\nn=$(cat "${dir}/n" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "${dir}/n"\nprintf '%s\\n' "$2" >> "${dir}/log"\n` +
          `if [ $n -lt 3 ]; then echo '-ERR Profile must be up for at least 10 seconds to stop/restart.'; else echo '+OK'; fi\n`,
      );
      chmodSync(fake, 0o755);
      const text = renderShell(
        [
          {
            kind: 'fs-cli',
            command: 'sofia profile internal restart',
            why: 'w',
            retry: { whileOutputIncludes: 'must be up for at least 10 seconds', attempts: 6, delaySeconds: 0 },
          },
        ],
        { title: 't' },
      );
      if (!text.ok) throw new Error('refused');
      execFileSync('sh', ['-c', text.value], { env: { PATH: `${dir}:/usr/bin:/bin` } });
      expect(readFileSync(join(dir, 'log'), 'utf8').trim().split('\n')).toEqual(
        Array(3).fill('sofia profile internal restart'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const SCHEMA = [
  'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";',
  'CREATE TABLE v_sip_profile_settings (sip_profile_setting_uuid uuid PRIMARY KEY, sip_profile_uuid uuid, sip_profile_setting_name text, sip_profile_setting_value text, sip_profile_setting_enabled text, sip_profile_setting_description text, insert_date text, insert_user text, update_date text, update_user text);',
  'CREATE TABLE v_vars (var_uuid uuid PRIMARY KEY, var_category text, var_name text, var_value text, var_command text, var_hostname text, var_enabled text, var_order numeric, var_description text, insert_date text, insert_user text, update_date text, update_user text);',
  'CREATE TABLE v_extensions (extension_uuid uuid PRIMARY KEY, domain_uuid uuid, extension text, number_alias text, user_context text, enabled text, sip_bypass_media text, sip_force_contact text, description text);',
];

/** Every row of the three tables, all columns, NULL kept, as hex of one JSON text per table. */
const DUMP = ['v_sip_profile_settings', 'v_vars', 'v_extensions'].map(
  (t) =>
    `select encode(convert_to(coalesce((select json_agg(x order by x::text)::text from ${t} x), '[]'), 'UTF8'), 'hex') as r;`,
);

function seed(state: PbxState): string {
  const rows: PbxChange[] = [
    ...state.settings.map((after) => ({ path: 'v_sip_profile_settings' as const, after })),
    ...state.vars.map((after) => ({ path: 'v_vars' as const, after })),
    ...state.extensions.map((after) => ({ path: 'v_extensions' as const, after })),
  ].map((r, i) => ({ id: `seed-${i}`, target: 'pbx', action: 'add', before: null, reason: 'seed', ...r }));
  return sql(rows, 'seed');
}

describe.skipIf(!POSTGRES_AVAILABLE)(
  'SQL export against a real PostgreSQL 15 (skipped without root and postgresql-15, or under FSPBX_NAT_NO_POSTGRES=1)',
  () => {
    let pg: SingleUserPostgres;
    const snapshot = stockPbx();
    const p = plan(snapshot);

    beforeAll(() => {
      pg = startPostgres();
      pg.run([...SCHEMA, seed(snapshot)].join('\n'));
    }, 90_000);

    afterAll(() => pg?.close());

    it('applies the plan, then the restore brings back identical table contents, hostile values included', () => {
      const before = pg.values(DUMP.join('\n'));
      expect(before[2]).toContain(JSON.stringify(HOSTILE_EXTENSION).slice(1, -1));
      pg.run(sql(p.changes, 'plan'));
      const during = pg.values(DUMP.join('\n'));
      expect(during[1]).toContain('autonat:203.0.113.2');
      expect(during[2]).not.toEqual(before[2]);

      const current = applyPbxChanges(snapshot, p.changes);
      const restore = planPbxRestore(snapshot, current);
      pg.run(sql(restore.changes, 'restore'));
      expect(pg.values(DUMP.join('\n'))).toEqual(before);
      // Safe to run twice: the second restore has nothing to do.
      expect(planPbxRestore(snapshot, applyPbxChanges(current, restore.changes)).changes).toEqual([]);
    });

    it('aborts the whole transaction when a row changed after the plan', () => {
      const before = pg.values(DUMP.join('\n'));
      const changes = plan(snapshot).changes;
      const output = pg.run(
        [
          `UPDATE v_extensions SET sip_bypass_media = 'bypass-media-after-bridge' WHERE extension = '1002';`,
          ...[sql(changes, 'plan')],
          `UPDATE v_extensions SET sip_bypass_media = 'bypass-media' WHERE extension = '1002';`,
        ].join('\n'),
      );
      expect(output).toContain(ROW_CHANGED_MARKER);
      expect(pg.values(DUMP.join('\n'))).toEqual(before);
    });

    it('inserts rows with database-made uuids and deletes them again on restore', () => {
      const s = stockPbx();
      s.settings = s.settings.filter((r) => r.sip_profile_setting_name !== 'aggressive-nat-detection');
      const before = pg.values(DUMP.join('\n'));
      pg.run(`DELETE FROM v_sip_profile_settings WHERE sip_profile_setting_name = 'aggressive-nat-detection';`);
      const without = pg.values(DUMP.join('\n'));
      const insert = plan(s).changes.filter((c) => c.action === 'add');
      expect(insert).toHaveLength(1);
      pg.run(sql(insert, 'insert'));
      const inserted = pg.values(
        `select encode(convert_to(sip_profile_setting_uuid::text, 'UTF8'), 'hex') as r from v_sip_profile_settings where sip_profile_setting_name = 'aggressive-nat-detection';`,
      );
      expect(inserted).toHaveLength(1);
      const current = structuredClone(s);
      current.settings.push({
        ...(insert[0]!.after as Record<string, string | null>),
        sip_profile_setting_uuid: inserted[0]!,
      } as PbxState['settings'][number]);
      pg.run(sql(planPbxRestore(s, current).changes, 'restore'));
      expect(pg.values(DUMP.join('\n'))).toEqual(without);
      pg.run(
        seed({
          ...snapshot,
          settings: snapshot.settings.filter((r) => r.sip_profile_setting_name === 'aggressive-nat-detection'),
          vars: [],
          extensions: [],
        }),
      );
      expect(pg.values(DUMP.join('\n'))).toEqual(before);
    });
  },
);

describe('PBX bundle scripts', () => {
  const ids = ['3f1c2a9e-1111-4aaa-8bbb-000000000001', '3f1c2a9e-1111-4aaa-8bbb-000000000002'];

  function withoutNatRows(): PbxState {
    const s = stockPbx();
    s.settings = s.settings.filter((r) => r.sip_profile_setting_name !== 'aggressive-nat-detection');
    return s;
  }

  it('names inserted rows with the caller’s fresh ids so the rollback deletes exactly them', () => {
    const s = withoutNatRows();
    const result = planPbx(s, { publicIp: '203.0.113.2', mediaMode: 'proxy', extensions: [], newIds: ids });
    if (!result.ok) throw new Error('refused');
    const scripts = pbxScripts(s, result.plan, 'pbx');
    if (!scripts.ok) throw new Error(scripts.error.message);
    expect(scripts.value.planSql).toContain(`VALUES ('${ids[0]}', '5c1f0d4e-0000-4000-8000-000000000001'`);
    expect(scripts.value.rollbackSql).toContain(
      `DELETE FROM "v_sip_profile_settings" WHERE "sip_profile_setting_uuid" = '${ids[0]}'`,
    );
    expect(scripts.value.rollbackShell).toContain("fs_cli -x 'sofia profile internal restart'");
    expect(scripts.value.planShell.split('\n')[4]).toBe(
      "sudo -u postgres psql -d fusionpbx -v ON_ERROR_STOP=1 -X -q -f 'pbx-plan.sql'",
    );
    execFileSync('sh', ['-n', '-c', scripts.value.planShell]);
    execFileSync('sh', ['-n', '-c', scripts.value.rollbackShell]);
  });

  it('refuses to export a rollback that could not name an inserted row', () => {
    const s = withoutNatRows();
    const result = planPbx(s, { publicIp: '203.0.113.2', mediaMode: 'proxy', extensions: [] });
    if (!result.ok) throw new Error('refused');
    expect(pbxScripts(s, result.plan, 'pbx').ok).toBe(false);
    expect(planPbx(s, { publicIp: '203.0.113.2', mediaMode: 'proxy', extensions: [], newIds: ['nope'] }).ok).toBe(
      false,
    );
  });
});
