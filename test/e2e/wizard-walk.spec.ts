/**
 * A technician's whole visit, in Debian's Chromium through browser mode, against the site lab
 * in loopback mode (router simulator and FS PBX host on 127.N.88.x, reachable from this machine):
 * log in to both boxes accepting their keys, type the trunk and phone (wrong first), choose the
 * options, review, apply, verify, confirm, export the bundle, then roll back from History. Both
 * boxes are read directly before, after the apply and after the rollback.
 *
 * The Scan button is not pressed: scanning would reach this machine's real network, and the
 * host runs with FSPBX_NAT_NO_SCAN=1 so that it refuses anyway. Loopback mode has no forwarding,
 * so "really changed" is checked by reading the router's API and the PBX's database, not by SIP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { RouterOSAPI } from 'node-routeros';
import { startLab, type Lab } from '../lab/lab';
import { SITE } from '../lab/topology';

const root = join(__dirname, '..', '..');
const HOSTILE = '<img src=x onerror=alert(1)>';
const isRoot = process.getuid?.() === 0;

let lab: Lab;
let host: ChildProcess | undefined;
let url: string;
let dataDir: string;

/** The router's API, plain port, as the simulator's admin (never through the wizard). */
async function onRouter<T>(use: (api: RouterOSAPI) => Promise<T>): Promise<T> {
  const api = new RouterOSAPI({
    host: lab.addresses.router.lan,
    port: lab.router!.apiPort,
    user: lab.router!.user,
    password: lab.router!.password,
    timeout: 10,
  });
  await api.connect();
  try {
    return await use(api);
  } finally {
    await api.close();
  }
}

type Row = Record<string, string>;

/** What the wizard may change on the router, without ids and counters that differ run to run. */
async function routerState(): Promise<{
  addressLists: string[];
  nat: string[];
  filter: string[];
  sipHelper: string[];
}> {
  const keep = (rows: Row[], fields: string[]) =>
    rows.map((r) => fields.map((f) => `${f}=${r[f] ?? ''}`).join(' ')).sort();
  return onRouter(async (api) => ({
    addressLists: keep((await api.write('/ip/firewall/address-list/print')) as Row[], ['list', 'address', 'disabled']),
    nat: keep((await api.write('/ip/firewall/nat/print')) as Row[], [
      'chain',
      'action',
      'protocol',
      'dst-port',
      'src-address-list',
      'to-addresses',
      'to-ports',
      'disabled',
    ]),
    filter: keep((await api.write('/ip/firewall/filter/print')) as Row[], [
      'chain',
      'action',
      'protocol',
      'dst-port',
      'src-address-list',
      'disabled',
    ]),
    sipHelper: keep(
      ((await api.write('/ip/firewall/service-port/print')) as Row[]).filter((r) => r.name === 'sip'),
      ['name', 'disabled'],
    ),
  }));
}

/** What the wizard may change on the PBX, read from its database as the postgres user. */
async function pbxState(): Promise<string> {
  const queries = [
    'select sip_profile_setting_name, sip_profile_setting_value, sip_profile_setting_enabled from v_sip_profile_settings order by 1, 2, 3',
    'select var_name, var_value, var_enabled from v_vars order by 1, 2, 3',
    'select extension, sip_bypass_media from v_extensions order by 1, 2',
  ];
  const out: string[] = [];
  for (const query of queries) {
    const r = await lab.exec('pbx', [
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
      query,
    ]);
    if (r.code !== 0) throw new Error(`psql failed: ${r.stderr}`);
    out.push(r.stdout);
  }
  return out.join('\n--\n');
}

/** axe-core on what is on screen, in the light and the dark theme: no serious or critical violations. */
async function accessible(page: Page, where: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).analyze();
    const bad = violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(bad, `accessibility of ${where} (${colorScheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(root, 'docs', 'screenshots', `${name}.png`) });
}

/** Next with the keyboard: Tab (bounded) until the Next button has focus, then Enter. */
async function nextByKeyboard(page: Page): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    if (focused === 'Next') break;
    await page.keyboard.press('Tab');
  }
  await expect(page.getByRole('button', { name: 'Next' })).toBeFocused();
  await page.keyboard.press('Enter');
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  if (!isRoot) return;
  lab = await startLab({ mode: 'loopback' });
  await onRouter(async (api) => {
    // The customer's router was named by someone hostile.
    await api.write('/system/identity/set', [`=name=${HOSTILE}`]);
    // In loopback mode the PBX is on 127.N.88.0/24: the simulated router's LAN says so, as the
    // real router's LAN holds the real PBX (the simulator's model only; it forwards nothing here).
    const lan = ((await api.write('/ip/address/print')) as Row[]).find((a) => a.interface === 'bridge');
    if (!lan?.['.id']) throw new Error('the router simulator has no LAN address on bridge');
    await api.write('/ip/address/set', [`=.id=${lan['.id']}`, `=address=${lab.addresses.router.lan}/24`]);
  });
  dataDir = mkdtempSync(join(tmpdir(), 'fspbx-walk-'));
  const started = spawn(process.execPath, [join(root, 'bin', 'fspbx-nat.js'), '--data-dir', dataDir, 'browser'], {
    cwd: root,
    env: { ...process.env, FSPBX_NAT_NO_SCAN: '1' },
  });
  host = started;
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`browser mode did not print its URL: ${out}`)), 15_000);
    started.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    started.once('exit', (code) => reject(new Error(`browser mode exited with ${code}: ${out}`)));
  });
});

test.afterAll(async () => {
  test.setTimeout(120_000);
  if (host && host.exitCode === null) {
    const exited = new Promise((resolve) => host!.once('exit', resolve));
    host.kill('SIGTERM');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await lab?.stop();
});

test('a technician walks the whole wizard against the lab, then rolls back from History', async ({ page }) => {
  test.skip(!isRoot, 'the site lab needs root (private mounts for the PBX host)');
  test.skip(!lab?.router, 'no router simulator in this checkout (test/lab/routeros/main.ts)');
  test.setTimeout(420_000);
  const started = Date.now();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const routerBefore = await routerState();
  const pbxBefore = await pbxState();

  await test.step('1 · Network (Scan not pressed: it would reach the real network)', async () => {
    await page.goto(url);
    await expect(page.getByRole('heading', { name: '1 · Network' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Network interfaces' })).toBeVisible();
    await accessible(page, 'Network');
    await shoot(page, 'walk-01-network');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByRole('heading', { name: '2 · Router' })).toBeFocused();
  });

  await test.step('2 · Router: accept the certificate; the hostile identity is only text', async () => {
    await page.getByLabel('Router address').fill(lab.addresses.router.lan);
    await page.getByLabel('API port').fill(String(lab.router!.apiSslPort));
    await page.getByLabel('User').fill(lab.router!.user);
    await page.getByLabel('Password', { exact: true }).fill(lab.router!.password);
    await page.getByRole('button', { name: 'Connect' }).click();
    const prompt = page.getByRole('alert').filter({ hasText: 'fingerprint' });
    await expect(prompt).toBeVisible({ timeout: 20_000 });
    const shown = (await prompt.locator('code').textContent()) ?? '';
    expect(shown.replace(/[^0-9a-f]/gi, '').toLowerCase()).toContain(
      lab
        .router!.fingerprint.replace(/^sha256:/i, '')
        .replace(/[^0-9a-f]/gi, '')
        .toLowerCase(),
    );
    await accessible(page, 'Router (certificate prompt)');
    await prompt.getByRole('button', { name: 'Accept this certificate' }).click();
    const details = page.getByRole('status', { name: 'Router details' });
    await expect(details).toBeVisible({ timeout: 20_000 });
    await expect(details.getByText(HOSTILE, { exact: true })).toBeVisible();
    await expect(details.locator('img')).toHaveCount(0);
    expect(await page.title()).toContain(HOSTILE);
    await accessible(page, 'Router');
    await shoot(page, 'walk-02-router');
    await page.getByRole('button', { name: 'Next' }).click();
  });

  await test.step('3 · PBX: accept the host key', async () => {
    await expect(page.getByRole('heading', { name: '3 · PBX' })).toBeFocused();
    await page.getByLabel('PBX address').fill(lab.addresses.pbx);
    await page.getByLabel('SSH port').fill(String(lab.endpoints.pbxSsh.port));
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(lab.ssh.rootPassword);
    await page.getByRole('button', { name: 'Connect' }).click();
    const prompt = page.getByRole('alert').filter({ hasText: 'fingerprint' });
    await expect(prompt).toBeVisible({ timeout: 30_000 });
    await expect(prompt.locator('code')).toHaveText(lab.hostKeys.pbx);
    await accessible(page, 'PBX (host key prompt)');
    await prompt.getByRole('button', { name: 'Accept this host key' }).click();
    const details = page.getByRole('status', { name: 'PBX details' });
    await expect(details).toContainText('FS PBX', { timeout: 60_000 });
    await accessible(page, 'PBX');
    await shoot(page, 'walk-03-pbx');
    await page.getByRole('button', { name: 'Next' }).click();
  });

  await test.step('4 · Who may reach the PBX: wrong addresses first, then the right ones', async () => {
    await expect(page.getByRole('heading', { name: '4 · Who may reach the PBX' })).toBeFocused();
    await page.getByLabel('SIP trunk providers 1 name').fill('Carrier');
    const trunk = page.getByLabel('SIP trunk providers 1 address');
    await trunk.fill('198.51.100.300');
    await expect(trunk).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('Use an IPv4 address such as 198.51.100.10')).toBeVisible();
    await page.getByRole('button', { name: 'Add a phone' }).click();
    await page.getByLabel('Remote phones 1 name').fill('Home office');
    const phone = page.getByLabel('Remote phones 1 address');
    await phone.fill(`${SITE.phone}/33`);
    await expect(phone).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('A range ends in /0 to /32.')).toBeVisible();
    await accessible(page, 'Who may reach the PBX (with errors)');
    await shoot(page, 'walk-04-peers-errors');
    await trunk.fill(SITE.trunk);
    await phone.fill(SITE.phone);
    await expect(trunk).not.toHaveAttribute('aria-invalid', 'true');
    await expect(phone).not.toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText(/Public IP of this site: \d/)).toBeVisible();
    await accessible(page, 'Who may reach the PBX');
    await shoot(page, 'walk-04-peers');
    // From here the keyboard alone moves on: focus lands on the next step's heading.
    await nextByKeyboard(page);
  });

  await test.step('5 · Options, walked with Tab and Enter', async () => {
    await expect(page.getByRole('heading', { name: '5 · Options' })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Forward the PBX web GUI', { exact: false })).toBeFocused();
    await expect(page.getByLabel('Undo on the router unless confirmed within (minutes)')).toHaveValue(/^\d+$/);
    await accessible(page, 'Options');
    await shoot(page, 'walk-05-options');
    await nextByKeyboard(page);
  });

  await test.step('6 · Review: one plan for both boxes', async () => {
    await expect(page.getByRole('heading', { name: '6 · Review' })).toBeFocused();
    await page.getByRole('button', { name: 'Make the plan' }).click();
    await expect(page.getByRole('table', { name: 'Router changes' })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('table', { name: 'PBX changes' })).toBeVisible();
    await accessible(page, 'Review');
    await shoot(page, 'walk-06-review');
    await page.getByRole('button', { name: 'Next' }).click();
  });

  await test.step('7 · Apply, and both boxes really changed', async () => {
    await expect(page.getByRole('heading', { name: '7 · Apply' })).toBeFocused();
    await page.getByRole('button', { name: /^Apply \d+ changes$/ }).click();
    await expect(page.getByRole('status').filter({ hasText: /^Applied \d+ changes/ })).toBeVisible({
      timeout: 180_000,
    });
    await expect(page.getByRole('list', { name: 'Changes' }).locator('li.failed')).toHaveCount(0);
    await accessible(page, 'Apply');
    await shoot(page, 'walk-07-apply');
    const routerAfter = await routerState();
    expect(routerAfter).not.toEqual(routerBefore);
    expect(routerAfter.addressLists.join('\n')).toContain(SITE.trunk);
    expect(routerAfter.sipHelper).toEqual(['name=sip disabled=true']);
    expect(await pbxState()).not.toEqual(pbxBefore);
    await page.getByRole('button', { name: 'Next' }).click();
  });

  await test.step('8 · Verify and confirm, with the revert countdown', async () => {
    await expect(page.getByRole('heading', { name: '8 · Verify and confirm' })).toBeFocused();
    await expect(page.getByRole('timer')).toContainText(/\d+:\d\d/);
    await page.getByRole('button', { name: 'Run the checks' }).click();
    const checks = page.getByRole('list', { name: 'Checks' });
    await expect(checks).toBeVisible({ timeout: 120_000 });
    // Loopback mode forwards nothing, so only what reads back from the boxes is asserted here.
    await expect(checks.locator('li.pass').filter({ hasText: 'SIP helper' })).toHaveCount(1);
    await accessible(page, 'Verify');
    await page.getByRole('button', { name: 'Confirm: keep the changes' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Confirmed.' })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('timer')).toHaveCount(0);
    await accessible(page, 'Verify (confirmed)');
    await shoot(page, 'walk-08-verify');
    await page.getByRole('button', { name: 'Next' }).click();
  });

  await test.step('Done: export the bundle of the run', async () => {
    await expect(page.getByRole('heading', { name: 'Done' })).toBeFocused();
    await page.getByRole('button', { name: 'Export the bundle' }).click();
    const written = page.getByRole('status').filter({ hasText: 'Bundle written to' });
    await expect(written).toBeVisible({ timeout: 60_000 });
    const path = (await written.locator('code').textContent()) ?? '';
    expect(path.startsWith(dataDir)).toBe(true);
    expect(statSync(path).size).toBeGreaterThan(1000);
    await accessible(page, 'Done');
    await shoot(page, 'walk-09-done');
  });

  await test.step('History: roll back to the snapshot, and both boxes came back', async () => {
    await page.getByRole('button', { name: 'History' }).click();
    await expect(page.getByRole('heading', { name: 'History' })).toBeFocused();
    const applyRow = page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ hasText: 'confirmed' });
    await expect(applyRow).toHaveCount(1);
    await applyRow.getByRole('button', { name: 'Roll back' }).click();
    await expect(page.getByRole('table', { name: 'Router changes' })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('table', { name: 'PBX changes' })).toBeVisible();
    await accessible(page, 'History (rollback review)');
    await shoot(page, 'walk-10-history-rollback');
    await page.getByRole('button', { name: /^Apply the rollback/ }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Rolled back' })).toBeVisible({ timeout: 180_000 });
    await accessible(page, 'History (rolled back)');
    await shoot(page, 'walk-11-history-rolled-back');
    expect(await routerState()).toEqual(routerBefore);
    expect(await pbxState()).toEqual(pbxBefore);
  });

  expect(dialogs).toEqual([]);
  console.log(`whole walk: ${Date.now() - started} ms`);
});
