/**
 * Verify asks FreeSWITCH (user_data) only about extensions FS PBX's directory serves: an enabled
 * extension of an enabled domain (nemerald-voip/fspbx directory.lua:286-292, `d.domain_enabled =
 * 'true'` at :290). A disabled domain's extension would answer nothing and fail falsely.
 */
import { describe, expect, it } from 'vitest';
import { siteInputs } from '../../../contract/schemas';
import { mintRowIds, planFromStates } from '../../../electron/site/run';
import { plannedMedia } from '../../../electron/site/checks';
import { stockPbx } from '../pbx/fixtures/stock';
import { defconfRouter } from '../routeros/fixtures/defconf';

const inputs = siteInputs.parse({
  router: { host: '192.168.88.1', username: 'admin', password: '' },
  pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'x' } },
  trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
  phones: [{ name: 'Home', address: '192.0.2.20' }],
  options: {},
});

describe('extensions of a disabled domain', () => {
  const pbx = stockPbx();
  const plan = planFromStates(inputs, defconfRouter(), pbx, mintRowIds()).plan;

  it('are not asked about, though their rows are still planned', () => {
    const user = plannedMedia(plan, pbx)[0]!.user;
    const domain = pbx.domains.find((d) => d.domain_name === user.split('@')[1])!;
    const disabled = {
      ...pbx,
      domains: pbx.domains.map((d) => (d.domain_uuid === domain.domain_uuid ? { ...d, domain_enabled: 'false' } : d)),
    };
    expect(plannedMedia(plan, disabled).some((p) => p.user.endsWith(`@${domain.domain_name}`))).toBe(false);
    expect(plan.pbx!.changes.some((c) => c.path === 'v_extensions')).toBe(true);
    // A snapshot read before domain_enabled was read: the domain counts as enabled.
    const older = {
      ...pbx,
      domains: pbx.domains.map(({ domain_uuid, domain_name }) => ({ domain_uuid, domain_name })),
    };
    expect(plannedMedia(plan, older).map((p) => p.user)).toContain(user);
  });
});
