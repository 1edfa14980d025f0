/**
 * A run's content as the bundle's files and back, without a store or a zip: the PBX's secret
 * switch variables and the run's passwords stay on this laptop in every form a file carries them
 * (raw, JSON-escaped, HTML-escaped), and reading files back refuses what the wizard never writes.
 */
import { describe, expect, it } from 'vitest';
import { Failure } from '../../../contract/errors';
import type { BundleContent } from '../../../electron/bundle/content';
import { fromFiles, toFiles } from '../../../electron/bundle/files';
import type { RunRecord, SiteRecord, SnapshotRecord } from '../../../electron/store';
import { stockPbx } from '../pbx/fixtures/stock';
import { defconfRouter } from '../routeros/fixtures/defconf';
import { storedInputs } from '../helpers/stored-inputs';

const DEFAULT_PASSWORD = 'Vars&Never-"Leave"<x>';
const ROUTER_PASSWORD = 'S3cret-router-pw';
const AT = '2026-01-02T03:04:05.000Z';

function content(): BundleContent {
  const site: SiteRecord = {
    siteId: 's1',
    name: 'Dental office',
    routerHost: '192.168.88.1',
    pbxHost: '192.168.88.10',
    createdAt: AT,
    updatedAt: AT,
  };
  const run: RunRecord = {
    format: 2,
    runId: 'r1',
    siteId: 's1',
    kind: 'apply',
    status: 'confirmed',
    inputs: storedInputs({ router: { host: '192.168.88.1', tls: true, username: 'admin', password: ROUTER_PASSWORD } }),
    plan: { changes: [], warnings: [], facts: { publicIp: '203.0.113.2' } },
    snapshotId: 'snap1',
    startedAt: AT,
    updatedAt: AT,
  };
  const pbx = stockPbx();
  pbx.vars.push({
    ...pbx.vars[0]!,
    var_uuid: 'b0000000-0000-4000-8000-000000000099',
    var_category: 'Defaults',
    var_name: 'default_password',
    var_value: DEFAULT_PASSWORD,
  });
  pbx.varsXml = `${pbx.varsXml ?? ''}<X-PRE-PROCESS cmd="set" data="default_password=${DEFAULT_PASSWORD}" />\n`;
  const snapshot: SnapshotRecord = {
    snapshotId: 'snap1',
    runId: 'r1',
    siteId: 's1',
    takenAt: AT,
    sha256: '0'.repeat(64),
    origin: 'local',
    router: defconfRouter(),
    pbx,
    box: {
      router: { identity: 'MikroTik', board: 'RB5009UG+S+', macs: ['48:8F:5A:01:02:03'], serial: 'HD1234567' },
      pbx: { hostname: 'pbx', hostKey: 'SHA256:abc' },
    },
  };
  return {
    app: { name: 'FS PBX NAT Wizard', version: '0.1.0' },
    site,
    run,
    journal: [{ runId: 'r1', seq: 1, changeId: 'c1', target: 'router', status: 'done', at: AT }],
    snapshot,
    scripts: {
      'pbx/apply-steps.sh': `cat > /etc/freeswitch/vars.xml <<'EOF'\ndefault_password=${DEFAULT_PASSWORD}\nEOF\n`,
      'router/apply.rsc': '/ip firewall nat\n',
    },
    signedBy: 'SHA256:abc',
  };
}

describe('a bundle leaves secrets on this laptop', () => {
  it('in no file, in no form: raw, as JSON writes it, as HTML writes it', () => {
    const files = toFiles(content(), AT);
    const forms = [
      DEFAULT_PASSWORD,
      JSON.stringify(DEFAULT_PASSWORD).slice(1, -1),
      'Vars&amp;Never-&quot;Leave&quot;&lt;x&gt;',
      ROUTER_PASSWORD,
    ];
    for (const [name, text] of Object.entries(files)) {
      for (const form of forms) expect(text, `${name} holds ${form}`).not.toContain(form);
    }
  });

  it('keeps the secret variable itself in the snapshot, its value redacted, and every other value as it was', () => {
    const files = toFiles(content(), AT);
    const snapshot = JSON.parse(files['snapshots/snapshot.json']!) as SnapshotRecord;
    const vars = snapshot.pbx!.vars;
    expect(vars.find((v) => v.var_name === 'default_password')?.var_value).toBe('[redacted]');
    expect(vars.filter((v) => v.var_name !== 'default_password')).toEqual(
      stockPbx().vars.filter((v) => v.var_name !== 'default_password'),
    );
    expect(snapshot.router).toEqual(defconfRouter());
  });

  it('writes the files a run has, and only those', () => {
    const full = toFiles(content(), AT);
    expect(Object.keys(full).sort()).toEqual([
      'journal.json',
      'pbx/apply-steps.sh',
      'plan.json',
      'report.html',
      'router/apply.rsc',
      'run.json',
      'site.json',
      'snapshots/snapshot.json',
    ]);
    const bare = { ...content(), snapshot: undefined, scripts: {} } as BundleContent;
    expect(Object.keys(toFiles(bare, AT)).sort()).toEqual([
      'journal.json',
      'plan.json',
      'report.html',
      'run.json',
      'site.json',
    ]);
    expect(JSON.parse(full['run.json']!)).not.toHaveProperty('plan');
    expect(full['router/apply.rsc']).toBe('/ip firewall nat\n');
  });

  it('reads back what it wrote: run, site, journal and the redacted snapshot', () => {
    const files = new Map(Object.entries(toFiles(content(), AT)));
    const back = fromFiles(files);
    expect(back.run).toMatchObject({
      runId: 'r1',
      siteId: 's1',
      kind: 'apply',
      status: 'confirmed',
      snapshotId: 'snap1',
    });
    expect(back.run.plan).toEqual(content().run.plan);
    expect(back.site).toEqual(content().site);
    expect(back.journal).toEqual(content().journal);
    expect(back.snapshot?.snapshotId).toBe('snap1');
    expect(back.snapshot?.box).toEqual(content().snapshot!.box);
    expect(back.verification).toBeUndefined();
  });
});

describe('reading files back refuses what the wizard never writes', () => {
  const good = () => new Map(Object.entries(toFiles(content(), AT)));
  function refusal(files: Map<string, string>): Failure {
    try {
      fromFiles(files);
    } catch (caught) {
      if (caught instanceof Failure) return caught;
      throw caught;
    }
    throw new Error('expected a refusal');
  }

  it('a missing file, unreadable JSON, a field of the wrong form (naming the file and field)', () => {
    const missing = good();
    missing.delete('site.json');
    expect(refusal(missing).error.message).toBe('This bundle lacks site.json; it was not imported.');
    const broken = good();
    broken.set('journal.json', '[');
    expect(refusal(broken).error.message).toBe("This bundle's journal.json is not readable JSON; it was not imported.");
    const wrong = good();
    const run = JSON.parse(wrong.get('run.json')!) as Record<string, unknown>;
    wrong.set('run.json', JSON.stringify({ ...run, runId: '../etc' }));
    const refused = refusal(wrong);
    expect(refused.error).toMatchObject({
      code: 'invalid_input',
      message: "This bundle's run.json is not in the form the wizard writes; it was not imported.",
    });
    expect(refused.error.detail).toMatch(/^run\.json: runId: /);
  });

  it('a run and a site that do not belong together, and a journal of another run', () => {
    const otherSite = good();
    otherSite.set('site.json', JSON.stringify({ ...content().site, siteId: 's2' }));
    expect(refusal(otherSite).error.message).toBe("This bundle's run and site do not belong together.");
    const otherRun = good();
    otherRun.set('journal.json', JSON.stringify([{ ...content().journal[0], runId: 'r2' }]));
    expect(refusal(otherRun).error.message).toBe("This bundle's journal is of another run.");
  });

  it('a time that is not ISO 8601', () => {
    const odd = good();
    odd.set('site.json', JSON.stringify({ ...content().site, createdAt: '<script>' }));
    expect(refusal(odd).error.detail).toMatch(/^site\.json: createdAt: /);
  });
});

describe('the bundle files of a fuller run', () => {
  /** A run with a verification, a longer journal, router and PBX reference texts, and the secret value alone in a script. */
  function fuller(): BundleContent {
    const c = content();
    c.journal = [
      { runId: 'r1', seq: 1, changeId: 'c1', target: 'router', status: 'done', detail: 'sent', at: AT },
      { runId: 'r1', seq: 2, changeId: 'c2', target: 'pbx', status: 'failed', detail: 'x'.repeat(2000), at: AT },
    ];
    c.verification = {
      runId: 'r1',
      status: 'warn',
      checks: [
        {
          id: 'rtp-range',
          title: 'RTP range',
          status: 'warn',
          group: 'pbx',
          summary: 's'.repeat(2000),
          fix: 'f',
          changeId: 'c2',
        },
      ],
    };
    c.snapshot = { ...c.snapshot!, routerExport: '/ip firewall nat\n'.repeat(200), pbxReference: 'vars.xml as read' };
    // The value alone, far from its name: only a search for the value itself finds it.
    c.scripts['pbx/apply.sql'] = `UPDATE v_vars SET var_value = '${DEFAULT_PASSWORD}' WHERE var_uuid = 'b…99';\n`;
    // The router password from the run's inputs, likewise alone.
    c.scripts['router/apply.rsc'] = `# made for ${ROUTER_PASSWORD}\n`;
    return c;
  }

  it('reads back its verification, journal and reference texts as written', () => {
    const files = toFiles(fuller(), AT);
    expect(JSON.parse(files['verification.json']!)).toEqual(fuller().verification);
    const back = fromFiles(new Map(Object.entries(files)));
    expect(back.verification).toEqual(fuller().verification);
    expect(back.journal).toEqual(fuller().journal);
    expect(back.snapshot?.routerExport).toBe(fuller().snapshot!.routerExport);
    expect(back.snapshot?.pbxReference).toBe('vars.xml as read');
  });

  it("hides a secret value found only by itself, in a script far from its name: the PBX's and the run's", () => {
    const files = toFiles(fuller(), AT);
    expect(files['pbx/apply.sql']).not.toContain(DEFAULT_PASSWORD);
    expect(files['pbx/apply.sql']).toMatch(/^UPDATE v_vars SET var_value = '.+' WHERE var_uuid = 'b…99';\n$/);
    expect(files['router/apply.rsc']).not.toContain(ROUTER_PASSWORD);
    expect(files['router/apply.rsc']).toMatch(/^# made for .+\n$/);
  });

  const refusal = (files: Map<string, string>): Failure => {
    try {
      fromFiles(files);
    } catch (caught) {
      if (caught instanceof Failure) return caught;
      throw caught;
    }
    throw new Error('expected a refusal');
  };
  /** The files with one of them parsed, changed by `edit`, and written again. */
  const edited = (name: string, edit: (value: Record<string, unknown>) => unknown) => {
    const files = new Map(Object.entries(toFiles(fuller(), AT)));
    const value: Record<string, unknown> = JSON.parse(files.get(name)!);
    files.set(name, JSON.stringify(edit(value)));
    return files;
  };
  const editedJournal = (edit: (entries: Record<string, unknown>[]) => unknown) => {
    const files = new Map(Object.entries(toFiles(fuller(), AT)));
    const entries: Record<string, unknown>[] = JSON.parse(files.get('journal.json')!);
    files.set('journal.json', JSON.stringify(edit(entries)));
    return files;
  };

  it('refuses a journal step listed twice, and one entry of another run among others', () => {
    const twice = editedJournal((j) => j.map((e) => ({ ...e, seq: 1 })));
    expect(refusal(twice).error.message).toBe(
      "This bundle's journal lists step 1 twice, which the wizard never writes; it was not imported.",
    );
    const mixed = editedJournal((j) => [j[0], { ...j[1], runId: 'r2' }]);
    expect(refusal(mixed).error.message).toBe("This bundle's journal is of another run.");
  });

  it('refuses a snapshot that does not name its router and PBX', () => {
    const files = edited('snapshots/snapshot.json', (s) => ({ ...s, box: undefined }));
    expect(refusal(files).error.message).toMatch(/^This bundle's snapshot does not say which router and PBX/);
  });

  it('refuses a verification not in the wizard form, naming the field', () => {
    const files = edited('verification.json', (v) => ({ ...v, status: 'great' }));
    expect(refusal(files).error.detail).toMatch(/^verification\.json: status: /);
  });

  it('names "(top)" when the file is not an object at all', () => {
    const files = new Map(Object.entries(toFiles(fuller(), AT)));
    files.set('run.json', '[]');
    expect(refusal(files).error.detail).toMatch(/^run\.json: \(top\): /);
  });

  it('holds ids and times to their whole form, not a matching part of them', () => {
    expect(refusal(edited('run.json', (r) => ({ ...r, runId: 'r1/..' }))).error.detail).toMatch(/^run\.json: runId: /);
    for (const at of [
      'x2026-01-02T03:04:05Z',
      '2026-01-02T03:04:05Zx',
      '2026-01-02T03:04:05+2:00',
      '2026-01-02T03:04:05-0x:00',
    ]) {
      expect(refusal(edited('site.json', (s) => ({ ...s, createdAt: at }))).error.detail, at).toMatch(
        /^site\.json: createdAt: /,
      );
    }
    for (const at of ['2026-01-02T03:04:05+02:00', '2026-01-02T03:04:05.123-05:30']) {
      expect(() => fromFiles(edited('site.json', (s) => ({ ...s, createdAt: at }))), at).not.toThrow();
    }
  });
});
