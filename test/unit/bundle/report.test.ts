/**
 * report.html as a customer's document (issue 28 item 6): the plain sections first, in WinBox and
 * FS PBX words, the developer keys and the inputs only in the appendix. A real plan from the planners.
 */
import { describe, expect, it } from 'vitest';
import { siteInputs } from '../../../contract/schemas';
import type { BundleContent } from '../../../electron/bundle/content';
import { renderReport } from '../../../electron/bundle/report';
import { mintRowIds, planFromStates } from '../../../electron/site/run';
import { stockPbx } from '../pbx/fixtures/stock';
import { defconfRouter } from '../routeros/fixtures/defconf';
import { storedInputs } from '../helpers/stored-inputs';

const AT = '2026-12-07T09:30:00.000Z';
const inputs = siteInputs.parse({
  router: { host: '192.168.88.1', username: 'admin', password: '' },
  pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'x' } },
  trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
  phones: [{ name: 'Home office', address: '192.0.2.20' }],
  options: { hairpin: true },
});
const plan = planFromStates(inputs, defconfRouter(), stockPbx(), mintRowIds()).plan;

const content: BundleContent = {
  app: { name: 'FS PBX NAT Wizard', version: '0.1.0' },
  site: {
    siteId: 's1',
    name: 'Dental office',
    customer: 'Dental office',
    ticket: 'T-42',
    routerHost: '192.168.88.1',
    routerIdentity: 'MikroTik',
    pbxHost: '192.168.88.10',
    createdAt: AT,
    updatedAt: AT,
  },
  run: {
    format: 2,
    runId: 'r1',
    siteId: 's1',
    kind: 'apply',
    status: 'confirmed',
    inputs: storedInputs({ trunks: inputs.trunks }),
    plan,
    snapshotId: 'snap-1',
    startedAt: AT,
    updatedAt: AT,
  },
  journal: [],
  scripts: {},
  signedBy: 'SHA256:abc',
};

const html = renderReport(content, AT);
const appendix = html.indexOf('Appendix: raw data');
const body = html.slice(0, appendix);

describe('report.html for the customer’s file', () => {
  it('opens with site, date, ticket and the outcome in words', () => {
    expect(body).toContain('<tr><th>Date</th><td>2026-12-07 09:30 UTC');
    expect(body).toContain('(ticket T-42)');
    expect(body).toContain('applied and confirmed: the changes stay');
    expect(body).toMatch(/\d+ changes and \d+ PBX steps/);
  });

  it('says what was opened to whom, and what changed on the PBX, in WinBox and FS PBX words', () => {
    const order = [
      'What was opened, to whom, and why',
      'What changed on the PBX',
      'Checks after the change',
      'How to undo',
    ];
    const at = order.map((h) => body.indexOf(h));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(body).toContain('<td class="addr">198.51.100.10</td>');
    expect(body).toContain('IP › Firewall › NAT');
    expect(body).toContain('Advanced › Variables › external_rtp_ip');
    expect(body).toContain('fspbx-nat rollback --snapshot snap-1');
  });

  it('keeps developer keys and the inputs JSON to the appendix', () => {
    expect(appendix).toBeGreaterThan(0);
    expect(body).not.toMatch(/pbx\.publicIp|pbx\.cache|router\.wan|v_vars|"trunks"/);
    expect(html.slice(appendix)).toContain('pbx.publicIp');
    expect(html.slice(appendix)).toContain('&quot;trunks&quot;');
  });
});
