/**
 * The open visit in Chromium against the loopback site (the demo's): one apply whose one-minute
 * timer runs out, the bar says the router undid its half and the PBX still has its own, and the
 * PBX half is undone from there; then an apply, a reload during the countdown, and the changes
 * kept from the resumed screen. History then shows what each box holds. Needs root (the site lab).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { RouterOSAPI } from 'node-routeros';
import { startLab, type Lab } from '../lab/lab';
import { SITE } from '../lab/topology';

const root = join(__dirname, '..', '..');
const isRoot = process.getuid?.() === 0;
const SCREENSHOTS =
  process.env.FSPBX_SCREENSHOTS === '1'
    ? join(root, 'docs', 'screenshots')
    : join(root, 'test-results', 'open-visit-screenshots');

let lab: Lab | undefined;
let host: ChildProcess | undefined;
let dataDir = '';
let url = '';

async function onRouter<T>(use: (api: RouterOSAPI) => Promise<T>): Promise<T> {
  const api = new RouterOSAPI({
    host: lab!.addresses.router.lan,
    port: lab!.router!.apiPort,
    user: lab!.router!.user,
    password: lab!.router!.password,
    timeout: 10,
  });
  await api.connect();
  try {
    return await use(api);
  } finally {
    await api.close();
  }
}

const revertJobs = () =>
  onRouter(async (api) =>
    ((await api.write('/system/scheduler/print')) as { name?: string }[]).filter((s) => s.name === 'fspbx-nat-revert'),
  );

/** The PBX rows the wizard may touch, as the postgres user reads them. */
async function pbxRows(): Promise<string> {
  const r = await lab!.exec('pbx', [
    'sudo',
    '-u',
    'postgres',
    'psql',
    '-X',
    '-A',
    '-t',
    '-d',
    'fusionpbx',
    '-c',
    "select string_agg(t, E'\\n' order by t) from (select row(s.sip_profile_setting_name, s.sip_profile_setting_value)::text t from v_sip_profile_settings s union all select row(v.var_name, v.var_value)::text from v_vars v union all select row(e.extension, e.sip_bypass_media)::text from v_extensions e) q",
  ]);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout;
}

function urlOf(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`browser mode did not print its URL: ${out}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${code}: ${out}`)));
  });
}

test.describe.serial('the open visit (loopback site)', () => {
  test.beforeAll(async () => {
    test.setTimeout(240_000);
    if (!isRoot) return;
    lab = await startLab({ mode: 'loopback' });
    if (!lab.router) return;
    // As the demo does: the router's LAN holds the PBX.
    await onRouter(async (api) => {
      const rows = (await api.write('/ip/address/print')) as { '.id'?: string; interface?: string }[];
      const lan = rows.find((a) => a.interface === 'bridge');
      await api.write('/ip/address/set', [`=.id=${lan!['.id']}`, `=address=${lab!.addresses.router.lan}/24`]);
      await api.write('/system/identity/set', ['=name=MikroTik']);
    });
    dataDir = mkdtempSync(join(tmpdir(), 'wizard-data-'));
    host = spawn(process.execPath, [join(root, 'bin', 'fspbx-nat.js'), '--data-dir', dataDir, 'browser'], {
      cwd: root,
      env: { ...process.env, FSPBX_NAT_NO_SCAN: '1' },
    });
    url = await urlOf(host);
  });

  test.afterAll(async () => {
    test.setTimeout(120_000);
    if (host && host.exitCode === null) {
      const exited = new Promise((r) => host!.once('exit', r));
      host.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await lab?.stop();
  });

  /** Steps 1–7 as a technician does them; the revert time in minutes is typed in Options. */
  async function applyOnce(page: Page, minutes: string, site?: { name: string; ticket: string }): Promise<void> {
    await page.goto(url);
    await expect(page.getByRole('heading', { name: '1 · Network' })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Router address').fill(lab!.addresses.router.lan);
    await page.getByLabel('API port').fill(String(lab!.router!.apiSslPort));
    await page.getByLabel('User').fill(lab!.router!.user);
    await page.getByLabel('Password', { exact: true }).fill(lab!.router!.password);
    await page.getByRole('button', { name: 'Connect' }).click();
    const certificate = page.getByRole('alert').filter({ hasText: 'fingerprint' });
    const routerDetails = page.getByRole('status', { name: 'Router details' });
    await expect(certificate.or(routerDetails)).toBeVisible({ timeout: 30_000 });
    if (await certificate.isVisible())
      await certificate.getByRole('button', { name: 'Accept this certificate' }).click();
    await expect(routerDetails).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('PBX address').fill(lab!.addresses.pbx);
    await page.getByLabel('SSH port').fill(String(lab!.endpoints.pbxSsh.port));
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(lab!.ssh.rootPassword);
    await page.getByRole('button', { name: 'Connect' }).click();
    const hostKey = page.getByRole('alert').filter({ hasText: 'fingerprint' });
    const pbxDetails = page.getByRole('status', { name: 'PBX details' });
    await expect(hostKey.or(pbxDetails)).toBeVisible({ timeout: 60_000 });
    if (await hostKey.isVisible()) await hostKey.getByRole('button', { name: 'Accept this host key' }).click();
    await expect(pbxDetails).toContainText('FS PBX', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByRole('status', { name: 'From the PBX' })).toContainText('Read from the PBX:', {
      timeout: 60_000,
    });
    await expect(page.getByLabel('SIP trunk providers 1 address')).toHaveValue(SITE.trunk);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Undo on the router unless confirmed within (minutes)').fill(minutes);
    if (site) {
      await page.getByLabel(/^Customer or site name/).fill(site.name);
      await page.getByLabel('Ticket or reference (optional)').fill(site.ticket);
    }
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Make the plan' }).click();
    await expect(page.getByText(/^\d+ changes and \d+ PBX steps: \d+ on the router/))
      .toBeVisible({ timeout: 60_000 })
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)}\n--- the page:\n${await page.locator('main').innerText()}`);
      });
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: /^Apply \d+ changes?( and \d+ PBX steps?)?$/ }).click();
    const applied = page.getByRole('status').filter({ hasText: /^Applied \d+ changes/ });
    const refused = page.locator('.note-error').filter({ hasNotText: 'did not finish' });
    await expect(applied.or(refused).first())
      .toBeVisible({ timeout: 180_000 })
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)}\n--- the page:\n${await page.locator('main').innerText()}`);
      });
    if (!(await applied.isVisible()))
      throw new Error(`apply did not go through: ${await refused.first().textContent()}`);
  }

  test('the timer runs out: the bar says what the router undid and what the PBX kept; the PBX half is undone', async ({
    page,
  }) => {
    test.skip(!isRoot, 'the site lab needs root (private mounts for the PBX host)');
    test.skip(!lab?.router, 'no router simulator in this checkout');
    test.setTimeout(420_000);
    const pbxBefore = await pbxRows();
    await applyOnce(page, '1', { name: 'Acme Dental', ticket: 'T-1234' });
    const bar = page.getByRole('region', { name: 'Automatic undo' });
    await expect(bar.getByRole('timer')).toContainText(/The router undoes its \d+ changes in [01]:\d\d/);
    await expect(bar).toContainText(/Run [0-9a-f-]{36}/);
    await page.screenshot({ path: join(SCREENSHOTS, 'open-visit-countdown.png') });
    // Nobody keeps it: the router's own timer fires; the bar reads the router and says so.
    await expect(bar).toContainText(
      /The router undid its \d+ changes at \d\d:\d\d\. The PBX still has its \d+ changes/,
      {
        timeout: 150_000,
      },
    );
    expect(await revertJobs()).toEqual([]);
    expect(await pbxRows()).not.toEqual(pbxBefore);
    await page.screenshot({ path: join(SCREENSHOTS, 'open-visit-reverted.png') });
    await bar.getByRole('button', { name: 'Undo the PBX half' }).click();
    await expect(page.getByRole('region', { name: 'PBX changes' })).toBeVisible({ timeout: 60_000 });
    // The PBX half: the router is neither shown nor asked for.
    await expect(page.locator('section.rollback').getByRole('region', { name: 'Router changes' })).toHaveCount(0);
    await expect(page.getByRole('note', { name: 'Logins' })).toContainText('Router: not needed');
    await page.getByRole('button', { name: /^Apply the rollback/ }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Rolled back' })).toBeVisible({ timeout: 180_000 });
    expect(await pbxRows()).toEqual(pbxBefore);
    const runs = page.getByRole('table', { name: 'Runs' });
    await expect(runs).toContainText(/Router: undone by the router's own timer \(\d+ changes\)/);
    await expect(runs).toContainText(/PBX: rolled back by run [0-9a-f-]{36}/);
    await expect(bar).toHaveCount(0);
  });

  test('a reload during the countdown reopens the run at Verify, and the changes are kept from there', async ({
    page,
  }) => {
    test.skip(!isRoot, 'the site lab needs root (private mounts for the PBX host)');
    test.skip(!lab?.router, 'no router simulator in this checkout');
    test.setTimeout(300_000);
    await applyOnce(page, '5');
    const bar = page.getByRole('region', { name: 'Automatic undo' });
    const runId = /Run ([0-9a-f-]{36})/.exec((await bar.textContent()) ?? '')![1]!;
    await page.reload();
    await expect(page.getByRole('heading', { name: '8 · Verify and confirm' })).toBeVisible({ timeout: 30_000 });
    await expect(bar.getByRole('timer')).toContainText(/in [45]:\d\d/);
    await expect(bar).toContainText(`Run ${runId}`);
    expect(await revertJobs()).toHaveLength(1);
    await bar.getByRole('button', { name: 'Keep the changes' }).click();
    // Reopened after the reload, no check has run: Keep asks first, in the bar.
    const ask = bar.getByRole('alertdialog', { name: 'Keep the changes?' });
    await expect(ask).toContainText('No check has run yet');
    await ask.getByRole('button', { name: 'Keep them anyway' }).click();
    await expect(bar).toHaveCount(0, { timeout: 60_000 });
    expect(await revertJobs()).toEqual([]);
    await page.getByRole('button', { name: 'History' }).click();
    // The run kept: its boxes read confirmed (the list names runs by site and time, not by id).
    const row = page
      .getByRole('table', { name: 'Runs' })
      .getByRole('row')
      .filter({ hasText: /Router: confirmed \(\d+ changes kept\)/ });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(/PBX: confirmed/);
    // Named once, on the first visit: the site keeps its name, ticket and the router's identity beside it.
    await expect(row).toContainText('Acme Dental');
    await expect(row).toContainText('ticket T-1234');
    await expect(row).toContainText('router MikroTik');
    await page.screenshot({ path: join(SCREENSHOTS, 'open-visit-history.png') });
  });
});
