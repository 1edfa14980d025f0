/** The commands the CLI prints as next steps are whole: the flags they need, in the order a shell reads them. */
import { describe, expect, it } from 'vitest';
import type { PlannedRun } from '../../../contract/types';
import { acceptFlag, shellArg, withFlag } from '../../../electron/cli/error-lines';
import { formatApply, formatPlan } from '../../../electron/cli/format';
import { formatRollbackPlan } from '../../../electron/cli/rollback-lines';
import { siteFlags } from '../../../electron/cli/secrets';

const planned: PlannedRun = { runId: 'r-9', plan: { changes: [], warnings: [], facts: {} } };
const carry = siteFlags('my site.yaml', { routerPasswordEnv: 'RPW', pbxPasswordEnv: 'PPW', hostKey: 'SHA256:abc' });

describe('next-step hints', () => {
  it('carry the site file, the password variables and the accepted keys', () => {
    expect(carry).toBe("--site 'my site.yaml' --router-password-env RPW --pbx-password-env PPW --host-key SHA256:abc");
    expect(formatPlan(planned, carry)).toMatch(/fspbx-nat apply --run r-9 --site 'my site\.yaml' .* --yes$/);
    expect(formatRollbackPlan(planned, carry)).toMatch(
      /fspbx-nat rollback-apply --run r-9 --site 'my site\.yaml' .* --yes$/,
    );
    const applied = formatApply(
      { runId: 'r-9', status: 'applied', applied: [], revertAt: '2026-12-07 08:00:00' },
      carry,
    );
    expect(applied).toContain(`fspbx-nat confirm --run r-9 ${carry} --yes`);
    expect(applied).toContain(`fspbx-nat verify --run r-9 ${carry}`);
  });

  it('accept a fingerprint with the flag of its kind, replacing an earlier value', () => {
    const cert = {
      code: 'host_key_unknown' as const,
      message: "First connection to the router's API-SSL",
      fingerprint: 'ab'.repeat(32),
    };
    const pbxKey = {
      code: 'host_key_unknown' as const,
      message: 'First connection to 192.0.2.10',
      fingerprint: 'SHA256:x',
    };
    const routerSsh = {
      code: 'host_key_unknown' as const,
      message: 'First SSH connection to the router at 192.0.2.1',
      fingerprint: 'SHA256:y',
    };
    expect(acceptFlag(cert, ['router', 'read'])).toBe('--fingerprint');
    expect(acceptFlag(pbxKey, ['plan', 'site.json'])).toBe('--host-key');
    expect(acceptFlag(routerSsh, ['router', 'read'])).toBe('--ssh-host-key');
    expect(acceptFlag(routerSsh, ['plan', 'site.json'])).toBe('--router-ssh-host-key');
    expect(withFlag(['pbx', 'read', '--host-key', 'SHA256:old', '--user', 'root'], '--host-key', 'SHA256:new')).toBe(
      'fspbx-nat pbx read --user root --host-key SHA256:new',
    );
    expect(shellArg("it's")).toBe(`'it'\\''s'`);
  });
});

describe('the plan as text', () => {
  it('counts changes and PBX steps apart and names each change as WinBox and FS PBX do, as the Review does', () => {
    const text = formatPlan({
      runId: 'r-7',
      plan: {
        warnings: [],
        facts: {},
        pbxSteps: [{ kind: 'fs-cli', why: 'FreeSWITCH reads vars.xml again' }],
        changes: [
          {
            id: 'router-001',
            target: 'router',
            path: '/ip/firewall/nat',
            action: 'add',
            before: null,
            after: {
              chain: 'dstnat',
              action: 'dst-nat',
              protocol: 'udp',
              'dst-port': '5080',
              'src-address-list': 'fspbx-trunks',
              'to-addresses': '192.168.88.10',
            },
            reason: 'Lets the trunk in.',
          },
        ],
      },
    });
    expect(text.split('\n')[0]).toBe('run r-7: 1 change and 1 PBX step (nothing has been changed yet)');
    expect(text).toContain('Add    IP › Firewall › NAT › UDP 5080 from fspbx-trunks → 192.168.88.10');
    expect(text).toContain('why: Lets the trunk in.');
  });
});
