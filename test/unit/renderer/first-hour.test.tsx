/**
 * Issue 28, as the technician reads the screens: Review at a glance, step 4's mistakes on step 4,
 * Review errors that name their step, Confirm that asks, an empty scan that says what it tried.
 * Rendered to static markup from a store in a given state (the views.test.tsx pattern).
 */
import { describe, expect, it } from 'vitest';
import type { Change, LanFacts, PlannedRun, VerifyResult } from '../../../contract/types';
import { NetworkStep, triedWords } from '../../../renderer/src/steps/NetworkStep';
import { PeersStep } from '../../../renderer/src/steps/PeersStep';
import { ApplyStep } from '../../../renderer/src/steps/ApplyStep';
import { ReviewStep } from '../../../renderer/src/steps/ReviewStep';
import { VerifyStep, keepDoubt } from '../../../renderer/src/steps/VerifyStep';
import { bundleHref } from '../../../renderer/src/steps/DoneStep';
import { fileStem } from '../../../renderer/src/steps/download';
import { checkPeers } from '../../../renderer/src/steps/peerChecks';
import { placeOfError } from '../../../renderer/src/steps/fieldPlace';
import { createWizardStore, type WizardStore } from '../../../renderer/src/store/wizard';
import type { PeerRow } from '../../../renderer/src/store/site';
import { FakeClient } from './fake-client';
import { markup, words as text } from './render';

const forward = (n: number, address: string): Change[] => [
  {
    id: `r-a${n}`,
    target: 'router',
    path: '/ip/firewall/address-list',
    action: 'add',
    before: null,
    after: { list: 'fspbx-trunks', address, comment: `fspbx-nat: trunk Carrier ${n}` },
    reason: 'Lets the trunk in.',
  },
  {
    id: `r-n${n}`,
    target: 'router',
    path: '/ip/firewall/nat',
    action: 'add',
    before: null,
    after: {
      chain: 'dstnat',
      action: 'dst-nat',
      protocol: 'udp',
      'dst-port': `${5080 + n}`,
      'src-address-list': 'fspbx-trunks',
      'to-addresses': '127.149.88.10',
      'to-ports': '5080',
    },
    reason: 'Forwards SIP.',
  },
];

const pbxChanges: Change[] = [
  {
    id: 'p-1',
    target: 'pbx',
    path: 'v_vars',
    action: 'set',
    label: 'external_rtp_ip',
    before: { var_value: '192.168.88.10' },
    after: { var_value: '203.0.113.7' },
    reason: 'The address for callers outside.',
  },
  {
    id: 'p-2',
    target: 'pbx',
    path: 'v_extensions',
    action: 'set',
    label: '1001@example.com',
    before: { sip_bypass_media: 'bypass-media' },
    after: { sip_bypass_media: 'proxy-media' },
    reason: 'Bypass media breaks behind NAT.',
  },
];

const run: PlannedRun = {
  runId: 'run-1',
  plan: {
    changes: [...Array.from({ length: 16 }, (_, i) => forward(i, `198.51.100.${i + 1}`)).flat(), ...pbxChanges],
    warnings: [],
    // The shown facts name another address: the summary must take the site facts, as step 4 does.
    facts: { 'pbx.publicIp': '192.0.2.99' },
    pbxSteps: [
      { kind: 'write-file', why: 'vars.xml is what FreeSWITCH reads.' },
      { kind: 'fs-cli', why: 'The external profile takes the new address.' },
    ],
  },
  site: {
    publicIp: '203.0.113.7',
    publicFrom: 'router',
    publicDynamic: false,
    rtp: { start: 16384, end: 32768 },
    revertMinutes: 5,
  },
  routerScript: '/ip firewall nat add chain=dstnat\n',
};

function planned(): WizardStore {
  const store = createWizardStore(new FakeClient());
  store.setState({ planned: { status: 'done', value: run } });
  return store;
}

describe('Review at a glance', () => {
  const html = markup(planned(), <ReviewStep />);

  it('shows a summary per box before any group: what opens to whom, what changes on the PBX', () => {
    const t = text(html);
    expect(t).toContain('34 changes and 2 PBX steps: 32 on the router, 2 on the PBX.');
    expect(t).toContain('Opens UDP 5080, UDP 5081');
    expect(t).toContain('to 16 addresses: 198.51.100.1, 198.51.100.2');
    expect(t).toContain('Variables external_rtp_ip → 203.0.113.7');
    expect(t).toContain('1 extension moves off bypass media: 1001@example.com');
    expect(html.indexOf('aria-label="Summary"')).toBeLessThan(html.indexOf('<details'));
  });

  it('groups the entries, closed, named by WinBox and FS PBX menus, the reason once per group', () => {
    expect(html).not.toMatch(/<details[^>]* open/);
    const t = text(html);
    for (const words of [
      'Address lists IP › Firewall › Address Lists (16)',
      'Port forwards IP › Firewall › NAT (16)',
      'Variables Advanced › Variables (1)',
      'Extensions Accounts › Extensions (1)',
      'Then, on the PBX files written and FreeSWITCH commands (2)',
    ]) {
      expect(t).toContain(words);
    }
    expect(t).toContain('Change 1001@example.com › Bypass Media');
    expect(t).not.toMatch(/v_vars|v_extensions|\/ip\/firewall/);
    expect(t.split('Only the addresses on these lists are let through').length - 1).toBe(1);
  });

  it('keeps every address in one unbreakable piece', () => {
    expect(html).toContain('<span class="addr">127.149.88.10:5080</span>');
    expect(html).toContain('<span class="addr">198.51.100.16</span>');
  });

  it('offers the RouterOS script to copy and to save', () => {
    expect(text(html)).toContain('Copy as RouterOS script');
    expect(html).toContain('Save as .rsc');
  });

  it('opens the group that holds the entry a failed check pointed at', () => {
    const store = planned();
    store.getState().showChange('p-2');
    const focused = markup(store, <ReviewStep />);
    expect(focused).toMatch(/<details[^>]*open=""[^>]*data-group="extensions"/);
  });
});

describe('Apply counts as Review does', () => {
  it('offers and reports changes and PBX steps apart, each change named', () => {
    const store = planned();
    expect(text(markup(store, <ApplyStep />))).toContain('Apply 34 changes and 2 PBX steps');
    const applied = [...run.plan.changes.map((c) => c.id), 'pbx-step-1', 'pbx-step-2'];
    store.setState({
      applying: { status: 'done', changes: {}, log: [], result: { runId: 'run-1', status: 'applied', applied } },
    });
    const t = text(markup(store, <ApplyStep />));
    expect(t).toContain('Applied 34 changes and 2 PBX steps.');
    expect(t).toContain('Router: Add IP › Firewall › NAT › UDP 5080 from fspbx-trunks → 127.149.88.10:5080');
    expect(t).toContain('PBX: Change Advanced › Variables › external_rtp_ip');
  });
});

const row = (key: number, name: string, address: string): PeerRow => ({ key, name, address });

describe('step 4 catches mistakes on step 4', () => {
  it('says each error in the row’s own words, counted from one', () => {
    const checks = checkPeers({ trunks: [row(1, 'A', '198.51.100.10'), row(2, 'B', '198.51.100.300')], phones: [] });
    expect(checks.errors.map((e) => e.message)).toEqual([
      'SIP trunk providers, row 2: Use an IPv4 address such as 198.51.100.10, or a range such as 198.51.100.0/24.',
    ]);
  });

  it('warns on a duplicate, a phone inside the LAN, and a nameless row', () => {
    const checks = checkPeers(
      {
        trunks: [row(1, 'Carrier', '198.51.100.10')],
        phones: [row(2, 'Home', '198.51.100.10'), row(3, '', '192.168.88.23')],
      },
      '192.168.88.0/24',
    );
    const words = checks.warnings.map((w) => w.message);
    expect(checks.errors).toEqual([]);
    expect(words).toContain(
      'Remote phones, row 1: the same address as SIP trunk providers, row 1 (198.51.100.10); it is let in once.',
    );
    expect(words.some((w) => w.startsWith('Remote phones, row 2: no name'))).toBe(true);
    expect(words.some((w) => w.startsWith("Remote phones, row 2: 192.168.88.23 is inside this site's LAN"))).toBe(true);
  });

  it('refuses Next until the row is fixed, and lists why on the step', () => {
    const store = createWizardStore(new FakeClient());
    store.setState({ step: 'peers', trunks: [row(1, 'Carrier', '198.51.100.1o')] });
    store.getState().next();
    expect(store.getState().step).toBe('peers');
    expect(store.getState().nextRefused).toBe(true);
    expect(text(markup(store, <PeersStep />))).toContain('Fix these before going on: SIP trunk providers, row 1:');
    store.getState().updatePeer('trunks', 1, { address: '198.51.100.10' });
    store.getState().next();
    expect(store.getState().step).toBe('options');
  });
});

describe('a Review error points at its step', () => {
  const rows = { trunks: [row(1, '', ''), row(2, 'A', '198.51.100.1'), row(3, 'B', 'x')], phones: [] };

  it('says "log in to the router first" instead of a field path', () => {
    const place = placeOfError(
      { code: 'invalid_input', message: 'Enter the IPv4 address of the router. (router.host)', field: 'router.host' },
      { ...rows, routerLoggedIn: false, pbxLoggedIn: true },
    );
    expect(place).toEqual({ step: 'router', message: 'Log in to the router first (step 2).' });
  });

  it('names a peer row as the screen counts it (the empty first row is not sent)', () => {
    const place = placeOfError(
      { code: 'invalid_input', message: 'Not an address. (trunks.1.address)', field: 'trunks.1.address' },
      { ...rows, routerLoggedIn: true, pbxLoggedIn: true },
    );
    expect(place).toEqual({ step: 'peers', message: 'SIP trunk providers, row 3: Not an address. (step 4)' });
  });

  it('links the error to its step on the Review', () => {
    const store = createWizardStore(new FakeClient());
    store.setState({
      planned: { status: 'error', error: { code: 'invalid_input', message: 'x (router.host)', field: 'router.host' } },
    });
    const t = text(markup(store, <ReviewStep />));
    expect(t).toContain('Log in to the router first (step 2). Go to step 2');
    expect(t).not.toContain('(router.host)');
  });
});

describe('Confirm asks before keeping what is not shown to work', () => {
  const result = (statuses: ('pass' | 'fail')[]): VerifyResult => ({
    runId: 'run-1',
    status: statuses.includes('fail') ? 'fail' : 'pass',
    checks: statuses.map((status, i) => ({ id: `c${i}`, title: `Check ${i}`, status, summary: '' })),
  });

  it('asks when no check ran, or when one failed; not when all passed', () => {
    expect(keepDoubt({ status: 'idle' })).toMatch(/^No check has run yet/);
    expect(keepDoubt({ status: 'done', value: result(['pass', 'fail', 'fail']) })).toMatch(/^2 checks failed/);
    expect(keepDoubt({ status: 'done', value: result(['pass']) })).toBeUndefined();
  });

  it('says to run the checks first while none has run', () => {
    const store = planned();
    store.setState({ applying: { status: 'done', changes: {}, log: [] } });
    expect(text(markup(store, <VerifyStep />))).toContain('Run the checks first');
  });
});

describe('an empty scan says what it tried and offers the default gateway', () => {
  const lan: LanFacts = {
    interfaces: [
      {
        name: 'eth0',
        address: '192.168.88.20',
        netmask: '255.255.255.0',
        subnet: '192.168.88.0/24',
        prefix: 24,
        broadcast: '192.168.88.255',
        mac: '00:00:00:00:00:01',
        likelyLan: true,
      },
    ],
    defaultGateway: { address: '192.168.88.1', interface: 'eth0' },
    reasoning: '',
  };

  it('names the interfaces and the sweep', () => {
    expect(triedWords(lan, { sweep: { scanned: 254, total: 254 } })).toBe(
      'Nothing answered. Tried: MikroTik discovery (MNDP, UDP 5678) on eth0 (192.168.88.0/24), and an SSH sweep of 254 addresses on port 22.',
    );
  });

  it('offers the gateway as the router address, and puts it in step 2', () => {
    const store = createWizardStore(new FakeClient());
    store.setState({
      lan: { status: 'done', value: lan },
      scan: { status: 'done', routers: [], sshHosts: [], sweep: { scanned: 254, total: 254 } },
    });
    const t = text(markup(store, <NetworkStep />));
    expect(t).toContain('Nothing answered. Tried:');
    expect(t).toContain('Use 192.168.88.1 as the router');
  });
});

describe('file names for the customer', () => {
  it('offers the desktop save dialog the readable name, not the run id', async () => {
    const client = new FakeClient().on('app.chooseFile', () => ({ ok: true, value: {} }));
    const store = createWizardStore(client);
    await store.getState().exportBundle('run-1', undefined, 'dental-office-2026-12-07.zip');
    expect(client.inputsOf('app.chooseFile')).toEqual([
      { purpose: 'export-bundle', suggestedName: 'dental-office-2026-12-07.zip' },
    ]);
  });

  it('names a download by site and date, never a path', () => {
    const day = new Date('2026-12-07T10:00:00Z');
    expect(fileStem('Zahnarztpraxis Müller / Büro 2', day)).toBe('zahnarztpraxis-muller-buro-2-2026-12-07');
    expect(fileStem('', day)).toBe('fspbx-nat-2026-12-07');
    expect(bundleHref('0b0c', 'acme-2026-12-07.zip', 'tok')).toBe(
      '/download/0b0c.zip?token=tok&as=acme-2026-12-07.zip',
    );
  });
});
