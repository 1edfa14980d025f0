import { describe, expect, it } from 'vitest';
import { siteInputs } from '../../../contract/schemas';
import { applyToState } from '../../../electron/routeros/apply-state';
import { overall, pbxChecks, routerAccountCheck, routerChecks, wanCheck } from '../../../electron/site/checks';
import { mintRowIds, planFromStates } from '../../../electron/site/run';
import { stockPbx } from '../pbx/fixtures/stock';
import { defconfRouter } from '../routeros/fixtures/defconf';

const inputs = siteInputs.parse({
  router: { host: '192.168.88.1', username: 'admin', password: '' },
  pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'x' } },
  trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
  phones: [{ name: 'Home', address: '192.0.2.20' }],
  options: {},
});

describe('verification read-back', () => {
  const plan = planFromStates(inputs, defconfRouter(), stockPbx(), mintRowIds());

  it('plans both boxes from one set of inputs (router forwards and PBX variables)', () => {
    expect(plan.router?.changes.length).toBeGreaterThan(0);
    expect(plan.pbx?.changes.some((c) => c.path.includes('v_vars'))).toBe(true);
  });

  it('passes every router check once the plan is on the router', () => {
    const applied = applyToState(defconfRouter(), plan.router!.changes);
    if (!applied.ok) throw new Error(applied.message);
    const checks = routerChecks(plan, applied.state);
    expect(checks.length).toBeGreaterThan(3);
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
  });

  it('names each missing entry, and a SIP helper still on, with the plan entry that fixes it', () => {
    const checks = routerChecks(plan, defconfRouter());
    const failed = checks.filter((c) => c.status === 'fail');
    expect(failed.find((c) => c.id === 'sip-helper')?.summary).toMatch(/SIP helper still on/);
    const missing = failed.filter((c) => c.changeId);
    expect(missing.length).toBeGreaterThan(0);
    for (const c of missing) expect(plan.changes.map((p) => p.id)).toContain(c.changeId);
    expect(overall(checks)).toBe('fail');
  });

  it('fails a running profile that still announces the LAN address, passes one with autonat', () => {
    const stock = stockPbx();
    expect(
      pbxChecks(stock, '203.0.113.2')
        .filter((c) => c.status === 'fail')
        .map((c) => c.id),
    ).toEqual(['internal-ext-rtp-ip', 'internal-ext-sip-ip', 'external-ext-rtp-ip', 'external-ext-sip-ip']);
    for (const p of stock.running!) {
      p.info['ext-rtp-ip'] = 'autonat:203.0.113.2';
      p.info['ext-sip-ip'] = 'autonat:203.0.113.2';
    }
    expect(overall(pbxChecks(stock, '203.0.113.2', { rtp: { start: 16384, end: 32768 } }))).toBe('pass');
  });

  it('catches an RTP forward narrower than the PBX range, a profile on loopback, FreeSWITCH down', () => {
    const stock = stockPbx();
    stock.running![0]!.info['sip-ip'] = '127.0.0.1';
    const ids = pbxChecks(stock, '203.0.113.2', { rtp: { start: 16384, end: 20000 } })
      .filter((c) => c.status === 'fail')
      .map((c) => c.id);
    expect(ids).toContain('rtp-range');
    expect(ids).toContain('internal-loopback');
    expect(pbxChecks({ ...stock, running: null }, '203.0.113.2').map((c) => c.id)).toContain('freeswitch');
  });

  it('explains a private WAN address as double NAT', () => {
    expect(wanCheck('192.168.1.20')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/another router/),
    });
    expect(wanCheck('100.64.3.4').status).toBe('fail');
    expect(wanCheck('203.0.113.2').status).toBe('pass');
  });
});

describe('the router account', () => {
  it('warns when it logs in with no password, and says how to set one', () => {
    const check = routerAccountCheck('admin', '');
    expect(check).toMatchObject({ id: 'router-empty-password', status: 'warn' });
    expect(check?.summary).toContain('"admin" has no password');
    expect(check?.fix).toMatch(/System › Users/);
    expect(routerAccountCheck('admin', 's3cret')).toBeUndefined();
  });
});
