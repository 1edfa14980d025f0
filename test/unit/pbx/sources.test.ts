/** Pure readers of what FS PBX and FreeSWITCH print, against their sources' exact texts. */
import { describe, expect, it } from 'vitest';
import { parseBatch } from '../../../electron/pbx/session/batch';
import { fsCliVerdict } from '../../../electron/pbx/parse/fs-cli-output';
import { PROFILE_SETTINGS, ruleFor } from '../../../electron/pbx/model/profile-settings';
import { cacheOf } from '../../../electron/pbx/read/reader';
import { scrubSecrets } from '../../../electron/pbx/parse/scrub';
import { restartReason } from '../../../electron/pbx/plan/steps';

describe('fs_cli answers, line by line', () => {
  it('accepts reloadxml only as "+OK [Success]" (mod_commands.c:2853-2861 prints +OK on failure too)', () => {
    expect(fsCliVerdict('reloadxml', '+OK [Success]\n\n')).toEqual({ ok: true });
    expect(fsCliVerdict('reloadxml', '+OK [[error near line 12]: unclosed tag <profile>]\n').ok).toBe(false);
    expect(fsCliVerdict('reloadxml', '+OK [Cannot Open log directory or XML Root!]\n').ok).toBe(false);
  });

  it('fails a rescan whose reload or config failed (mod_sofia.c:3623-3634)', () => {
    expect(fsCliVerdict('sofia profile internal rescan', 'Reload XML [Success]\n+OK scan complete\n\n')).toEqual({
      ok: true,
    });
    expect(
      fsCliVerdict(
        'sofia profile internal rescan',
        'Reload XML [Success]\n-ERR cannot find config for profile internal\n',
      ).ok,
    ).toBe(false);
    expect(
      fsCliVerdict('sofia profile internal rescan', 'Reload XML [[error near line 3]: bad]\n+OK scan complete\n').ok,
    ).toBe(false);
    expect(fsCliVerdict('sofia profile internal rescan', 'Invalid Profile [internal]').ok).toBe(false);
  });

  it('reads a restart as started when it says "restarting: <name>" after a good reload (mod_sofia.c:3756-3789)', () => {
    expect(fsCliVerdict('sofia profile external restart', 'Reload XML [Success]\nrestarting: external\n').ok).toBe(
      true,
    );
    expect(fsCliVerdict('sofia profile external restart', 'Reload XML [Success]\nrestarting: internal\n').ok).toBe(
      false,
    );
  });

  it('counts a memcache key already gone as deleted', () => {
    expect(fsCliVerdict('memcache delete directory:1@x', '-ERR NOT FOUND\n').ok).toBe(true);
    expect(fsCliVerdict('memcache delete directory:1@x', '-ERR Connection failure\n').ok).toBe(false);
  });
});

describe('secrets are scrubbed from anything kept', () => {
  it('blanks gateway passwords in a generated sofia.conf and password lines', () => {
    const conf =
      '<gateway name="g"><param name="username" value="u"/><param name="password" value="s3cr3t!"/>' +
      "<param value='x1' name='auth-password'/></gateway>\ndatabase.0.password = dbpw123\nPGPASSWORD=abcd psql\nPassword\tyes\n";
    const out = scrubSecrets(conf);
    for (const secret of ['s3cr3t!', 'x1', 'dbpw123', 'abcd']) expect(out).not.toContain(secret);
    expect(out).toContain('<param name="username" value="u"/>');
    expect(out).toContain('Password\tyes');
  });
});

describe('one-exec batch framing', () => {
  it('keeps only lines with its nonce, whatever a login shell printed around them', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const out = [
      'Welcome to the PBX! (motd from .bashrc)',
      `@@fspbx-nat other db 0 ${b64('forged')} `,
      `@@fspbx-nat n1 db 0 ${b64('{"a":1}')} ${b64('')}`,
      `@@fspbx-nat n1 vars-xml 1  ${b64('No such file')}`,
    ].join('\n');
    const answers = parseBatch(out, 'n1');
    expect(answers.get('db')).toEqual({ code: 0, stdout: '{"a":1}', stderr: '' });
    expect(answers.get('vars-xml')).toEqual({ code: 1, stdout: '', stderr: 'No such file' });
    expect(answers.size).toBe(2);
  });
});

describe('the cache the Lua handler uses', () => {
  it('is memcache when config.conf names none (cache.lua:22), else what config.conf says, else the default settings', () => {
    expect(cacheOf('cache.location = /var/cache/fusionpbx\n', { method: 'file' }).method).toBe('memcache');
    expect(cacheOf('cache.method = file\n', {}).method).toBe('file');
    expect(cacheOf(null, { method: 'memcache', location: '/x' })).toEqual({ method: 'memcache', location: '/x' });
    expect(cacheOf(null, {})).toEqual({ method: 'file', location: '/var/cache/fusionpbx' });
  });
});

describe('the settings table decides rescan or restart', () => {
  it('names a source line for every setting', () => {
    for (const [name, rule] of Object.entries(PROFILE_SETTINGS)) expect(rule.source, name).toMatch(/sofia\.c:\d+/);
  });

  it('rescans a reparsed value or a rebuilt list; restarts a bound one, a candidate ACL change, a row removed, or auto-nat', () => {
    expect(restartReason('ext-rtp-ip', ['$${external_rtp_ip}'], ['autonat:1.2.3.4'])).toBeUndefined();
    expect(restartReason('apply-nat-acl', [], ['nat.auto'])).toBeUndefined();
    // A rescan empties the ACL lists and the rtp-ip list first (sofia.c:4692-4711): a change or removal applies.
    expect(restartReason('apply-nat-acl', ['rfc1918.auto'], ['nat.auto'])).toBeUndefined();
    expect(restartReason('apply-inbound-acl', ['lan'], [])).toBeUndefined();
    expect(restartReason('rtp-ip', ['192.168.88.10'], ['192.168.88.11'])).toBeUndefined();
    // The candidate ACL list is never emptied by a rescan and holds 25 entries at most (sofia.c:5763-5767).
    expect(restartReason('apply-candidate-acl', ['wan.auto'], ['lan.auto'])).toMatch(/never removes/);
    expect(restartReason('apply-candidate-acl', [], ['lan.auto'])).toMatch(/full/);
    expect(restartReason('apply-candidate-acl', ['lan.auto'], ['lan.auto'])).toBeUndefined();
    // Handed to the SIP stack when the profile starts (sofia.c:3276-3278).
    expect(restartReason('NDLB-force-rport', ['true'], ['safe'])).toMatch(/bound/);
    expect(restartReason('outbound-proxy', [], ['sip:proxy.example'])).toMatch(/bound/);
    expect(restartReason('sip-ip', ['a'], ['b'])).toMatch(/bound/);
    expect(restartReason('aggressive-nat-detection', ['true'], [])).toMatch(/removed or disabled/);
    expect(restartReason('ext-sip-ip', ['x'], ['auto-nat'])).toMatch(/auto-nat/);
    expect(ruleFor('some-new-setting').rescan).toBe('reparsed');
  });
});
