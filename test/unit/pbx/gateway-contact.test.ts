/**
 * Trunks re-register with the new Contact: a rescan keeps a loaded gateway and the Contact it
 * built from the old ext-sip-ip (signalwire/freeswitch sofia.c:3783-3789, :4133-4197), so the
 * plan removes each registering gateway (killgw) before the rescan that loads it again, the
 * restore does the same, and verify compares each Contact with the public address.
 */
import { describe, expect, it } from 'vitest';
import { applyPbxChanges } from '../../../electron/pbx/plan/apply-rows';
import { fsCliVerdict } from '../../../electron/pbx/parse/fs-cli-output';
import { parseGatewayDetail } from '../../../electron/pbx/parse/gateways';
import { planPbx, type PbxPlan } from '../../../electron/pbx/plan/plan';
import { parseSofiaGateways } from '../../../electron/pbx/read/reader';
import { planPbxRestore } from '../../../electron/pbx/restore/restore';
import type { PbxState } from '../../../electron/pbx/model/state';
import { gatewayContactChecks } from '../../../electron/site/checks';
import { renderedVarsXml, stockPbx } from './fixtures/stock';

const PUBLIC = '203.0.113.2';
const REG = 'ffffffff-0000-4000-8000-000000000001';
const NOREG = 'ffffffff-0000-4000-8000-000000000002';

function withGateways(state: PbxState): PbxState {
  state.running = (state.running ?? []).map((r) =>
    r.name === 'external'
      ? {
          ...r,
          gateways: [
            { name: REG, state: 'REGED' },
            { name: NOREG, state: 'NOREG' },
          ],
        }
      : { ...r, gateways: [] },
  );
  return state;
}

function plan(state: PbxState): PbxPlan {
  const result = planPbx(state, { publicIp: PUBLIC, mediaMode: 'proxy', extensions: [] });
  if (!result.ok) throw new Error('refused');
  return result.plan;
}

const commands = (p: { steps: PbxPlan['steps'] }) => p.steps.flatMap((s) => (s.kind === 'fs-cli' ? [s.command] : []));

describe('killgw before the rescan that changes ext-sip-ip', () => {
  it('removes each registering gateway of the profile, then rescans it; NOREG gateways are left alone', () => {
    const p = plan(withGateways(stockPbx()));
    const cmds = commands(p);
    const kill = cmds.indexOf(`sofia profile external killgw ${REG}`);
    expect(kill).toBeGreaterThanOrEqual(0);
    expect(kill).toBeLessThan(cmds.indexOf('sofia profile external rescan'));
    expect(cmds.some((c) => c.includes(NOREG))).toBe(false);
    expect(p.profileActions.external).toBe('rescan');
  });

  it('kills nothing when no profile has a registering gateway', () => {
    expect(commands(plan(stockPbx())).some((c) => c.includes('killgw'))).toBe(false);
  });

  it('the rollback removes the gateway again so it registers with the LAN address', () => {
    const snapshot = withGateways(stockPbx());
    const p = plan(snapshot);
    const current = applyPbxChanges(snapshot, p.changes);
    const write = p.steps.find((s) => s.kind === 'write-file');
    if (write?.kind === 'write-file') current.varsXml = write.content;
    current.running = (snapshot.running ?? []).map((r) => ({
      ...r,
      info: { ...r.info, 'ext-sip-ip': PUBLIC, 'ext-rtp-ip': PUBLIC },
    }));
    const cmds = commands(planPbxRestore(snapshot, current));
    expect(cmds.indexOf(`sofia profile external killgw ${REG}`)).toBeLessThan(
      cmds.indexOf('sofia profile external rescan'),
    );
    expect(cmds).toContain(`sofia profile external killgw ${REG}`);
  });

  it('takes a gateway already gone as done, anything else as a failure (mod_sofia.c:3584-3603)', () => {
    const cmd = `sofia profile external killgw ${REG}`;
    expect(fsCliVerdict(cmd, '+OK gateway marked for deletion.\n\n').ok).toBe(true);
    expect(fsCliVerdict(cmd, '-ERR no such gateway.\n\n').ok).toBe(true);
    expect(fsCliVerdict(cmd, 'Invalid Profile [external]').ok).toBe(false);
  });
});

describe('reading gateways and their Contact', () => {
  it('lists the gateways sofia xmlstatus prints after each profile (mod_sofia.c:3528-3531)', () => {
    const xml = [
      '<profiles>',
      '<profile>\n<name>external</name>\n<type>profile</type>\n<data>sip:mod_sofia@192.168.88.10:5080</data>\n<state>RUNNING (0)</state>\n</profile>',
      `<gateway>\n<name>${REG}</name>\n<type>gateway</type>\n<data>sip:lab@198.51.100.10</data>\n<state>REGED</state>\n</gateway>\n`,
      `<gateway>\n<name>${NOREG}</name>\n<type>gateway</type>\n<data>sip:FreeSWITCH@198.51.100.10</data>\n<state>TRYING</state>\n</gateway>\n (retry: NEVER)\n`,
      '<profile>\n<name>internal</name>\n<type>profile</type>\n<data>sip:mod_sofia@192.168.88.10:5060</data>\n<state>RUNNING (0)</state>\n</profile>',
      '<gateway>\n<name>bad name;rm</name>\n<type>gateway</type>\n<data>x</data>\n<state>REGED</state>\n</gateway>\n',
      '</profiles>',
    ].join('\n');
    const gw = parseSofiaGateways(xml);
    expect(gw.get('external')).toEqual([
      { name: REG, state: 'REGED' },
      { name: NOREG, state: 'TRYING' },
    ]);
    expect(gw.get('internal')).toBeUndefined();
  });

  const detail = (contact: string, proxy = 'sip:198.51.100.10') =>
    [
      '='.repeat(97),
      `Name    \t${REG}`,
      'Profile \texternal',
      'Scheme  \tDigest',
      'Password\tyes',
      `Contact \t${contact}`,
      `Proxy   \t${proxy}`,
      'State   \tREGED',
      '='.repeat(97),
      '',
    ].join('\n');

  it('parses `sofia status gateway <name>` as mod_sofia.c:2995-3025 prints it', () => {
    const d = parseGatewayDetail(detail(`<sip:gw+${REG}@203.0.113.2:5080;transport=udp;gw=${REG}>`));
    expect(d).toMatchObject({ name: REG, profile: 'external', contactHost: '203.0.113.2', state: 'REGED' });
    expect(parseGatewayDetail(`<sip:gw+x@[2001:db8::1]:5080>`)).toBeUndefined();
    expect(parseGatewayDetail(detail('<sip:gw+x@[2001:DB8::1]:5080>'))?.contactHost).toBe('2001:db8::1');
    expect(parseGatewayDetail('Invalid Gateway!\n')).toBeUndefined();
  });

  it('fails a registering gateway whose Contact is not the public address, passes one that is', () => {
    const state = withGateways(stockPbx());
    const lan = gatewayContactChecks(
      state,
      new Map([[REG, detail(`<sip:gw+${REG}@192.168.88.10:5080;transport=udp;gw=${REG}>`)]]),
      PUBLIC,
    );
    expect(lan).toHaveLength(1);
    expect(lan[0]).toMatchObject({ status: 'fail' });
    expect(lan[0]!.fix).toContain(`sofia profile external killgw ${REG}`);
    const ok = gatewayContactChecks(
      state,
      new Map([[REG, detail(`<sip:gw+${REG}@${PUBLIC}:5080;transport=udp;gw=${REG}>`)]]),
      PUBLIC,
    );
    expect(ok.map((c) => c.status)).toEqual(['pass']);
    expect(gatewayContactChecks(state, new Map(), PUBLIC).map((c) => c.status)).toEqual(['warn']);
    // A registrar on the LAN sees the LAN Contact rightly: not judged.
    const local = detail(`<sip:gw+${REG}@192.168.88.10:5080>`, 'sip:192.168.88.20');
    expect(gatewayContactChecks(state, new Map([[REG, local]]), PUBLIC)).toEqual([]);
  });
});

describe('killgw only where ext-sip-ip can move', () => {
  it('leaves the gateways alone when the plan changes only the RTP variable', () => {
    // The SIP address already public everywhere (row, vars.xml, running profiles); only the RTP row is
    // left. (A profile whose running values are stale gets killgw too: its Contact may be as stale.)
    const state = withGateways(stockPbx());
    state.vars = state.vars.map((v) =>
      v.var_name === 'external_sip_ip' ? { ...v, var_value: `autonat:${PUBLIC}` } : v,
    );
    state.varsXml = renderedVarsXml(state.vars, 'pbx');
    state.running = state.running!.map((r) => ({
      ...r,
      info: { ...r.info, 'ext-sip-ip': PUBLIC, 'ext-rtp-ip': PUBLIC },
    }));
    const p = plan(state);
    expect(p.changes.some((c) => c.path === 'v_vars')).toBe(true);
    expect(commands(p).some((c) => c.includes('killgw'))).toBe(false);
  });
});
