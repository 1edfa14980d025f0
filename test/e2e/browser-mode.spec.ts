/**
 * The wizard's first step in Debian's Chromium, served by `fspbx-nat browser`
 * exactly as a technician starts it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test as playwrightTest } from '@playwright/test';
import { siteInputs } from '../../contract/schemas';
import { openStore } from '../../electron/store';

const root = join(__dirname, '..', '..');
// The README's screenshots are rewritten only when asked, so that ordinary runs leave the tree alone.
const SCREENSHOTS =
  process.env.FSPBX_SCREENSHOTS === '1'
    ? join(root, 'docs', 'screenshots')
    : join(root, 'test-results', 'browser-mode-screenshots');
/** What a technician typed for a run recorded straight into a store (the runs below never reach a box). */
const inputsFor = (routerHost: string, pbxHost: string) =>
  siteInputs.parse({
    router: { host: routerHost, username: 'admin', password: '' },
    pbx: { host: pbxHost, username: 'root', auth: { kind: 'password', password: 'x' } },
    trunks: [],
    phones: [],
    options: {},
  });
const INPUTS = inputsFor('192.168.88.1', '192.168.88.10');

/** One wizard served by `fspbx-nat browser` over a data folder of its own. */
interface Wizard {
  url: string;
  dataDir: string;
}

async function startWizard(dataDir: string): Promise<{ host: ChildProcess; url: string }> {
  const host = spawn(process.execPath, [join(root, 'bin', 'fspbx-nat.js'), '--data-dir', dataDir, 'browser'], {
    cwd: root,
    // The page may press Scan: it must never reach this machine's real network.
    env: { ...process.env, FSPBX_NAT_NO_SCAN: '1' },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`browser mode did not print its URL: ${out}`)), 15_000);
    host.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    host.once('exit', (code) => reject(new Error(`browser mode exited with ${code}: ${out}`)));
  }).catch(async (caught: unknown) => {
    await stopWizard(host);
    throw caught;
  });
  return { host, url };
}

async function stopWizard(host: ChildProcess): Promise<void> {
  if (host.exitCode !== null || host.signalCode !== null) return;
  const exited = new Promise((resolve) => host.once('exit', resolve));
  host.kill('SIGTERM');
  await exited;
}

/**
 * Each test has its own wizard and its own empty history: what one test records (a run, an
 * unfinished apply, an import) is never what another one sees, whatever order they run in.
 */
const test = playwrightTest.extend<{ wizard: Wizard }>({
  // eslint-disable-next-line no-empty-pattern
  wizard: async ({}, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fspbx-e2e-'));
    try {
      const { host, url } = await startWizard(dataDir);
      try {
        await use({ url, dataDir });
      } finally {
        await stopWizard(host);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
});

test("the first step shows this laptop's networks and the wizard steps", async ({ page, wizard: { url } }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  await page.goto(url);
  await expect(page.getByRole('heading', { name: '1 · Network' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Wizard steps' }).getByRole('button')).toHaveCount(9);
  // A contract round-trip: the version and front end come from the host over the WebSocket.
  await expect(page.getByTestId('app-info')).toContainText('browser');
  await expect(page.getByRole('table', { name: 'Network interfaces' })).toBeVisible();
  // The one-time key leaves the address bar once read.
  expect(page.url()).not.toContain('token=');
  await page.screenshot({ path: join(SCREENSHOTS, 'step-network.png') });
  expect(violations).toEqual([]);
});

test('Scan reports, in place, why it cannot run', async ({ page, wizard: { url } }) => {
  await page.goto(url);
  await page.getByRole('button', { name: 'Scan' }).click();
  await expect(page.getByRole('alert')).toContainText('Scanning is switched off here');
});

test('Next and Back walk the steps without losing the current one', async ({ page, wizard: { url } }) => {
  await page.goto(url);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { name: '2 · Router' })).toBeVisible();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByRole('heading', { name: '1 · Network' })).toBeVisible();
});

test('without the one-time key the page explains what to open and reaches nothing', async ({
  page,
  wizard: { url },
}) => {
  const base = url.replace(/#.*/, '');
  await page.goto(base);
  await expect(page.getByRole('alert')).toContainText('one-time key');
  await expect(page.getByRole('heading', { name: '1 · Network' })).toHaveCount(0);
});

test('the Router step reports an unreachable API in place, in words a technician can act on', async ({
  page,
  wizard: { url },
}) => {
  // A port that was free a moment ago: nothing listens there on loopback.
  const port = await new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as AddressInfo;
      server.close(() => resolve(free));
    });
  });
  await page.goto(url);
  await page.getByRole('button', { name: /Router/ }).click();
  await page.getByLabel('Router address').fill('127.0.0.1');
  await page.getByLabel('API port').fill(String(port));
  await page.getByLabel('Password', { exact: true }).fill('not-sent-anywhere');
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('alert')).toContainText(
    `127.0.0.1:${port} refused the connection: nothing listens on port ${port} there`,
  );
  // Typing a bad address is caught before anything is sent.
  await page.getByLabel('Router address').fill('192.168.88.300');
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(
    page.getByText('192.168.88.300 is not an IPv4 address: "300" should be a number from 0 to 255.', { exact: false }),
  ).toBeVisible();
  await expect(page.getByLabel('Router address')).toHaveAttribute('aria-invalid', 'true');
});

test('who may reach the PBX: addresses are checked as typed and kept across steps', async ({
  page,
  wizard: { url },
}) => {
  await page.goto(url);
  await page.getByRole('button', { name: /Who may reach the PBX/ }).click();
  const name = page.getByLabel('SIP trunk providers 1 name');
  const address = page.getByLabel('SIP trunk providers 1 address');
  await name.fill('Carrier A');
  await address.fill('198.51.100.300');
  await expect(address).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Use an IPv4 address such as 198.51.100.10')).toBeVisible();
  await address.fill('198.51.100.0/24');
  await expect(address).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Add a phone' }).click();
  await page.getByLabel('Remote phones 1 address').fill('0.0.0.0/0');
  await expect(page.getByText('opens the PBX to a large part of the Internet')).toBeVisible();

  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { name: '5 · Options' })).toBeVisible();
  await expect(page.getByText('I accept that these ranges')).toBeVisible();
  await page.getByLabel('Undo on the router unless confirmed within (minutes)').fill('90');
  await expect(page.getByText('Between 1 and 60 minutes.')).toBeVisible();

  // Back never loses data.
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByLabel('SIP trunk providers 1 name')).toHaveValue('Carrier A');
  await expect(page.getByLabel('SIP trunk providers 1 address')).toHaveValue('198.51.100.0/24');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SCREENSHOTS, 'step-peers-dark.png') });
});

test('history lists runs, exports a bundle and refuses to import the same run twice', async ({
  page,
  wizard: { url, dataDir },
}) => {
  // A run recorded earlier on this laptop, written straight into the wizard's store.
  const store = openStore(dataDir);
  const site = store.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10', routerIdentity: 'HQ' });
  const run = store.createRun({
    siteId: site.siteId,
    kind: 'apply',
    inputs: INPUTS,
    plan: { changes: [], warnings: [], facts: { 'pbx.publicIp': '203.0.113.7' } },
  });
  store.close();

  await page.goto(url);
  await page.getByRole('button', { name: 'History' }).click();
  const rows = page.getByRole('table', { name: 'Runs' }).getByRole('row');
  await expect(rows).toHaveCount(2);
  // Which customer: the site's name and the public IP the run used.
  await expect(rows.nth(1)).toContainText('HQ');
  await expect(rows.nth(1)).toContainText('public IP 203.0.113.7');
  // Browser mode hands the bundle to the browser under the site's name and the run's day; a copy stays
  // in the data folder (bundles/<run>.zip), which the import below reads back.
  const downloading = page.waitForEvent('download');
  await rows.nth(1).getByRole('button', { name: 'Download' }).click();
  expect((await downloading).suggestedFilename()).toMatch(/^hq-\d{4}-\d{2}-\d{2}\.zip$/);
  await expect(page.getByRole('status')).toContainText(/^Downloaded as hq-\d{4}-\d{2}-\d{2}\.zip/);
  await page.getByLabel('Bundle file path').fill(join(dataDir, 'bundles', `${run.runId}.zip`));
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('alert')).toContainText('already in the history');
  await page.getByRole('button', { name: 'Back to the wizard' }).click();
  await expect(page.getByRole('heading', { name: '1 · Network' })).toBeVisible();
});

test('after a crash, the unfinished run is announced on start', async ({ page, wizard: { url, dataDir } }) => {
  const store = openStore(dataDir);
  const site = store.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
  const run = store.createRun({
    siteId: site.siteId,
    kind: 'apply',
    inputs: INPUTS,
    plan: { changes: [], warnings: [], facts: {} },
  });
  // The process that was applying it died here.
  store.setRunStatus(run.runId, 'applying');
  store.close();
  await page.goto(url);
  await expect(page.getByRole('alert')).toContainText('A run did not finish');
  await page.getByRole('alert').getByRole('button', { name: 'Open History' }).click();
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
  await expect(page.getByText('unfinished')).toBeVisible();
});

test("a bundle from another installation is imported to read: who signed it, and this installation's own key", async ({
  page,
  wizard: { url, dataDir },
}) => {
  // Another laptop: its own data folder, so its own signing key, with a run it left 'applied'. Its site is
  // at other addresses than this laptop's runs: the import files it under a site of its own.
  const otherDir = mkdtempSync(join(tmpdir(), 'fspbx-e2e-other-'));
  try {
    const other = openStore(otherDir);
    const site = other.upsertSite({ routerHost: '10.20.0.1', pbxHost: '10.20.0.10', routerIdentity: 'Branch' });
    const run = other.createRun({
      siteId: site.siteId,
      kind: 'apply',
      inputs: inputsFor('10.20.0.1', '10.20.0.10'),
      plan: { changes: [], warnings: [], facts: {} },
    });
    other.setRunStatus(run.runId, 'applied');
    other.close();
    const cli = (dir: string, ...args: string[]) =>
      execFileSync(process.execPath, [join(root, 'bin', 'fspbx-nat.js'), '--data-dir', dir, '--json', ...args], {
        cwd: root,
        encoding: 'utf8',
      });
    const keyOf = (dir: string) => (JSON.parse(cli(dir, 'info')) as { bundleKey: string }).bundleKey;
    const bundle = join(otherDir, 'branch.zip');
    cli(otherDir, 'export', '--run', run.runId, '--out', bundle);
    const [theirs, ours] = [keyOf(otherDir), keyOf(dataDir)];
    expect(theirs).not.toBe(ours);

    await page.goto(url);
    await page.getByRole('button', { name: 'History' }).click();
    await expect(page.getByRole('note', { name: 'Bundle signing key' })).toContainText(
      `This installation signs bundles with key ${ours}.`,
    );
    await page.getByLabel('Bundle file path').fill(bundle);
    await page.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByRole('status')).toContainText(
      `Imported run ${run.runId}: it is history, never applied. This bundle was signed by an installation you have not trusted (key ${theirs}): it can be read, not rolled back to.`,
    );
    const row = page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ hasText: 'Branch' });
    await expect(row).toContainText('read-only');
    await expect(row).toContainText(`Imported · signed by another installation you have not trusted (key ${theirs})`);
    // 'applied' on the other laptop is not a run this one left unfinished.
    await expect(row).not.toContainText('unfinished');
    await expect(page.getByText('A run did not finish')).toHaveCount(0);
  } finally {
    rmSync(otherDir, { recursive: true, force: true });
  }
});
