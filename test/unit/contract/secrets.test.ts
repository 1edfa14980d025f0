/** The one definition of a secret, and the redaction every printout goes through. Pure. */
import { describe, expect, it } from 'vitest';
import { isSecretName, REDACTED, redactDeep, redactText, secretValuesIn } from '../../../contract/secrets';

describe('isSecretName', () => {
  it.each([
    'password',
    'default_password',
    'voicemail_password',
    'ldap_bind_pw',
    'sudoPassword',
    'passphrase',
    'tls-passphrase',
    'PGPASSWORD',
    'db_passwd',
    'xml_rpc_secret',
    'api_token',
    'token',
    'api_key',
    'apiKey',
    'privateKey',
    'private_key',
    'secret_key',
    'license_key',
    'wpa2-pre-shared-key',
    'voicemail_pin',
    'credentials',
  ])('%s holds a secret', (name) => expect(isSecretName(name)).toBe(true));

  it.each([
    // A change's `key` is the row it changes; ImportedFrom's is a fingerprint.
    'key',
    'publicKey',
    'hostKey',
    'sshHostKey',
    'bundleKey',
    'keyFingerprint',
    'fingerprint',
    'auth-calls',
    'accept-blind-reg',
    'sip_bypass_media',
    'passthrough',
    'external_rtp_ip',
    'keepalive',
    'monkey',
    'var_name',
    'username',
    '',
    undefined,
  ])('%s does not', (name) => expect(isSecretName(name)).toBe(false));
});

describe('redactText', () => {
  it('redacts vars.xml lines by name, short values too, and leaves the rest byte for byte', () => {
    const xml = [
      '<X-PRE-PROCESS cmd="set" data="default_password=9382716"/>',
      '<X-PRE-PROCESS cmd="set" data="voicemail_password=123"/>',
      '<X-PRE-PROCESS cmd="set" data="ldap_bind_pw=s3cr3t-bind"/>',
      '<X-PRE-PROCESS cmd="set" data="external_rtp_ip=203.0.113.7"/>',
    ].join('\n');
    const out = redactText(xml);
    expect(out).not.toMatch(/9382716|=123"|s3cr3t-bind/);
    expect(out).toContain(`data="voicemail_password=${REDACTED}"`);
    expect(out).toContain('data="external_rtp_ip=203.0.113.7"');
  });

  it('redacts XML params, assignments, PGPASSWORD, SQL passwords and URL credentials', () => {
    const text = [
      '<param name="password" value="trunkpw1"/>',
      '<param value="trunkpw2" name="auth-password"/>',
      'DB_PASSWORD=dbpw3',
      'api_token: tok4',
      'PGPASSWORD=pg5 psql -U fusionpbx',
      "ALTER USER x WITH password 'sql6'",
      'postgres://fusionpbx:url7@127.0.0.1/fusionpbx',
      'auth-calls=true',
    ].join('\n');
    const out = redactText(text);
    for (const secret of ['trunkpw1', 'trunkpw2', 'dbpw3', 'tok4', 'pg5', 'sql6', 'url7'])
      expect(out).not.toContain(secret);
    expect(out).toContain('auth-calls=true');
  });
});

describe('redactDeep', () => {
  it("hides a PBX plan's secret rows and the same values wherever else they appear (SQL, scripts)", () => {
    const plan = {
      changes: [
        {
          path: 'v_vars',
          before: { var_name: 'voicemail_password', var_value: '123' },
          after: { var_name: 'ldap_bind_pw', var_value: 'bindpw99' },
        },
        { path: 'v_vars', after: { var_name: 'external_rtp_ip', var_value: '203.0.113.7' } },
      ],
      steps: [{ sql: "UPDATE v_vars SET var_value = 'bindpw99' WHERE var_name = 'ldap_bind_pw'" }],
      inputs: { pbx: { password: 'x', hostKey: 'SHA256:' + 'A'.repeat(43) } },
      imported: { key: 'SHA256:' + 'B'.repeat(43) },
    };
    const out = redactDeep(plan);
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/bindpw99|"123"|"password":"x"/);
    expect(out.changes[1]!.after.var_value).toBe('203.0.113.7');
    // Fingerprints are shown, never redacted, even in a field called key.
    expect(out.inputs.pbx.hostKey).toBe(plan.inputs.pbx.hostKey);
    expect(out.imported.key).toBe(plan.imported.key);
  });

  it('finds secret values by structure, for searching other text', () => {
    expect(
      secretValuesIn({ rows: [{ var_name: 'default_password', var_value: 'abcd1234' }], xml: 'data="api_key=k-9999"' }),
    ).toEqual(expect.arrayContaining(['abcd1234', 'k-9999']));
  });
});
