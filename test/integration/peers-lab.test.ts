/**
 * Step 4 pre-filled from the lab PBX: its gateways (one by a carrier name that the ISP's DNS,
 * test/lab/dns.ts, resolves NAPTR → SRV → A to the trunk host; the seeded one by IP; one
 * disabled; one with a hostile realm) and a registration the phone host really sent (sipsak,
 * through the customer's old open forward on the router). The wizard runs inside `tech`.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeersProposal } from '../../contract/types';
import { LAB_CARRIER_NAME } from '../lab/dns';
import { startLab, type Lab } from '../lab/lab';
import { SITE } from '../lab/topology';
import { labSite, value, wizardInLab } from './helpers/lab-site';
import { registerRemotePhone } from './helpers/peers-seed';

const isRoot = process.getuid?.() === 0;
const PLANTED = `gwpw-${randomBytes(8).toString('hex')}`;
const HOSTILE_REALM = "$(touch /tmp/pwned-realm)';touch /tmp/pwned-quote;'";
let lab: Lab;

const psql = (sql: string) =>
  lab.exec('pbx', ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'fusionpbx'], {
    input: sql,
  });

describe.skipIf(!isRoot)('pbx.peers in the site lab (needs root for namespaces)', () => {
  beforeAll(async () => {
    lab = await startLab();
    const inserted =
      await psql(`insert into v_gateways (gateway_uuid, gateway, username, password, proxy, realm, register, profile, enabled) values
      ('6f1c2a7e-1111-4a4a-9b9b-000000000001', 'Carrier DNS', 'acct1', '${PLANTED}', '${LAB_CARRIER_NAME}', NULL, 'false', 'external', 'true'),
      ('6f1c2a7e-1111-4a4a-9b9b-000000000002', 'Old carrier', 'acct2', '${PLANTED}', '203.0.113.99', NULL, 'false', 'external', 'false'),
      ('6f1c2a7e-1111-4a4a-9b9b-000000000003', 'Hostile', 'acct3', '${PLANTED}', NULL, $h$${HOSTILE_REALM}$h$, 'false', 'external', 'true');`);
    expect(inserted.stderr).toBe('');
    // FS PBX's own flow after a gateway save: drop the cached sofia.conf, rescan the profile
    // (nemerald-voip/fspbx app/Services/GatewayService.php:165-224).
    await lab.exec('pbx', ['rm', '-f', '/var/cache/fusionpbx/configuration.sofia.conf.pbx']);
    await lab.exec('pbx', ['fs_cli', '-x', 'sofia profile external rescan']);
    if (lab.router) {
      // The customer's old forward, open to anyone: how the remote phone registers today (kept open).
      const api = await lab.relay('tech', { host: SITE.router.lan, port: lab.router.apiPort });
      await registerRemotePhone(lab, api, { keepForward: true });
    }
  }, 300_000);

  afterAll(async () => {
    await lab?.stop();
  });

  let proposal: PeersProposal;
  let json: string;

  it('reads the PBX in one call and proposes the carrier by its name, resolved on the PBX', async () => {
    const { access } = labSite(lab);
    const [result] = await wizardInLab(lab, [
      { op: 'pbx.peers', input: { pbx: access.pbx, lan: SITE.lan.network, allowed: [SITE.trunk] } },
    ]);
    proposal = value<PeersProposal>(result);
    json = JSON.stringify(proposal);
    const carrier = proposal.trunks.find((t) => t.address === SITE.trunk);
    expect(carrier).toBeDefined();
    expect(carrier!.selected).toBe(true);
    const byName = carrier!.sources.find((s) => s.gateway === 'Carrier DNS');
    expect(byName).toMatchObject({ role: 'proxy', configured: LAB_CARRIER_NAME, state: 'NOREG' });
    // dig on the PBX follows the lab DNS's NAPTR → SRV → A; without dig or host only A is asked.
    if (proposal.resolver.tool === 'getent') expect(byName!.record).toBe('A');
    else
      expect(byName).toMatchObject({ record: 'NAPTR', lookup: expect.stringContaining('edge1.carrier.example:5060') });
    expect(carrier!.sources.some((s) => s.gateway === 'Lab Trunk' && s.record === 'IP')).toBe(true);
    expect(proposal.notProposed).toContainEqual({
      what: 'Gateway "Old carrier"',
      why: 'FreeSWITCH does not load it: it is disabled in FS PBX.',
    });
  });

  it.skipIf(!isRoot)('proposes the remote phone from its registration, not ticked (needs the router simulator)', () => {
    // The simulator is part of the lab: without it this test fails, it does not pass in silence.
    expect(lab.router, 'the lab started without its router simulator').toBeDefined();
    expect(proposal.phones).toEqual([
      expect.objectContaining({
        address: SITE.phone,
        selected: false,
        sources: [
          { user: `1001@${lab.pbx.domain}`, agent: 'Yealink SIP-T46S 66.86.0.15', port: expect.any(Number) as number },
        ],
      }),
    ]);
  });

  it('never lets the hostile realm run, and never carries a gateway password', async () => {
    expect(json).not.toContain(PLANTED);
    expect(json).not.toContain(lab.db.password);
    const tmp = await lab.exec('pbx', ['ls', '-a', '/tmp', '/root']);
    expect(tmp.stdout).not.toMatch(/pwned/);
    expect(proposal.warnings.some((w) => w.code === 'trunk-unresolved' && w.message.includes('not a host name'))).toBe(
      true,
    );
  });
});
