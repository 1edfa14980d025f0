/**
 * `none` in apply-nat-acl empties the list parsed before it (signalwire/freeswitch sofia.c:5708-5712):
 * a sofia.conf with nat.auto then none runs without any NAT ACL, and verify says so.
 */
import { describe, expect, it } from 'vitest';
import { effectiveNatAcls, natAclCheck, natAclsInConfig } from '../../../electron/site/checks';

const conf = (params: string[]) =>
  `<configuration name="sofia.conf"><profiles><profile name="internal"><settings>${params
    .map((v) => `<param name="apply-nat-acl" value="${v}"/>`)
    .join('')}</settings></profile></profiles></configuration>`;

describe('apply-nat-acl none', () => {
  it('empties what came before it, in parse order', () => {
    expect(effectiveNatAcls(['nat.auto', 'none'])).toEqual([]);
    expect(effectiveNatAcls(['none', 'nat.auto'])).toEqual(['nat.auto']);
    expect(effectiveNatAcls(['rfc1918.auto', 'NONE', 'nat.auto', 'lan'])).toEqual(['nat.auto', 'lan']);
  });

  it('fails verify when nat.auto is followed by none in the sofia.conf the profile loads', () => {
    expect(natAclsInConfig(conf(['nat.auto', 'none']), 'internal')).toEqual([]);
    expect(natAclCheck('Name\tinternal\n', conf(['nat.auto', 'none'])).status).toBe('fail');
    expect(natAclCheck('Name\tinternal\n', conf(['none', 'nat.auto'])).status).toBe('pass');
  });
});
