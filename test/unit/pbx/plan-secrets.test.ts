/**
 * A plan as it is shown and printed (`plan --json`, the review, a rollback's review) holds no PBX
 * secret: not ldap_bind_pw, not a 3-digit voicemail_password, not default_password. The planner's
 * own plan carries them (vars.xml is written whole), so the test can fail; what goes out is
 * redactDeep's, as the site.plan and rollback.plan handlers return it.
 */
import { describe, expect, it } from 'vitest';
import { redactDeep } from '../../../contract/secrets';
import { pbxScripts } from '../../../electron/pbx/script/export';
import { planPbx, type PbxPlanInputs } from '../../../electron/pbx/plan/plan';
import { hideSecretValues, secretValues } from '../../../electron/pbx/model/secret-vars';
import { combinePlans } from '../../../electron/site/combine';
import { stockPbx } from './fixtures/stock';

const SECRETS = { ldap_bind_pw: 'bind-s3cret!', voicemail_password: '123', default_password: 'Tr0ub4dor3' };

function pbxWithSecrets() {
  const state = stockPbx();
  const template = state.vars[0]!;
  state.vars = [
    ...state.vars,
    ...Object.entries(SECRETS).map(([name, value], i) => ({
      ...template,
      var_uuid: `b0000000-0000-4000-8000-00000000009${i}`,
      var_name: name,
      var_value: value,
    })),
  ];
  return state;
}

describe('a plan as shown and printed', () => {
  it('holds none of the PBX secrets, however short, and keeps what is not secret', () => {
    const inputs: PbxPlanInputs = { publicIp: '198.51.100.9', mediaMode: 'proxy', extensions: [] };
    const result = planPbx(pbxWithSecrets(), inputs);
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
    const planned = { runId: 'r1', plan: combinePlans(undefined, result.plan) };
    const raw = JSON.stringify(planned);
    // The planner's own plan writes vars.xml whole: the secrets are there before redaction.
    expect(raw).toContain('bind-s3cret!');
    expect(raw).toContain('voicemail_password=123');

    const shown = JSON.stringify(redactDeep(planned));
    expect(shown).not.toContain('bind-s3cret!');
    expect(shown).not.toContain('Tr0ub4dor3');
    expect(shown).not.toMatch(/voicemail_password=123/);
    expect(shown).toContain('198.51.100.9');
    // Row keys and everything else the review shows are kept.
    expect(redactDeep(planned).plan.changes).toEqual(planned.plan.changes);
  });

  it("bundles' step scripts hold none of them either", () => {
    const state = pbxWithSecrets();
    const result = planPbx(state, { publicIp: '198.51.100.9', mediaMode: 'proxy', extensions: [] });
    if (!result.ok) throw new Error('no plan');
    const scripts = pbxScripts(state, result.plan, 'HQ');
    if (!scripts.ok) throw new Error(scripts.error.message);
    // The script writes vars.xml whole: the secrets are in it before the bundle's redaction.
    expect(scripts.value.planShell).toContain('voicemail_password=123');
    for (const script of [scripts.value.planShell, scripts.value.rollbackShell]) {
      expect(hideSecretValues(script, secretValues(state))).not.toMatch(
        /bind-s3cret!|Tr0ub4dor3|voicemail_password=123/,
      );
    }
    expect(hideSecretValues(scripts.value.planShell, secretValues(state))).toContain('autonat:198.51.100.9');
  });
});
