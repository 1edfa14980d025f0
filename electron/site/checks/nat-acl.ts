/** The internal profile's NAT ACL, read from fs_cli's status or from the sofia.conf the profile loads. */
import type { SitePlan } from '../combine';
import { changeIdOf, withChange, type Check } from './shared';

/**
 * NAT ACL rows in `sofia status profile <name>` (text). Stock FreeSWITCH
 * (mod_sofia.c) prints no such row, and xmlstatus leaves ACLs out too; the
 * lab's fs_cli stand-in prints APPLY-NAT-ACL rows. Read them where present.
 */
export function natAclsOf(statusText: string): string[] {
  const acls: string[] = [];
  for (const line of statusText.split('\n')) {
    const m = /^\s*(?:APPLY-)?NAT-ACL\s+(\S+)\s*$/.exec(line);
    if (m) acls.push(m[1]!);
  }
  return effectiveNatAcls(acls);
}

/**
 * The apply-nat-acl params of one profile in the sofia.conf FreeSWITCH loads
 * (`xml_locate configuration configuration name sofia.conf`). A rescan
 * re-applies them in full, so on real FreeSWITCH this is the closest view
 * of the running NAT ACL there is.
 */
export function natAclsInConfig(xml: string, profile: string): string[] {
  const acls: string[] = [];
  for (const block of xml.matchAll(/<profile\s+name="([^"]*)"[^>]*>([\s\S]*?)<\/profile>/g)) {
    if (block[1] !== profile) continue;
    for (const param of block[2]!.matchAll(/<param\s+name="apply-nat-acl"\s+value="([^"]*)"\s*\/>/g)) {
      if (param[1]) acls.push(param[1]);
    }
  }
  return effectiveNatAcls(acls);
}

/**
 * The NAT ACL list FreeSWITCH ends up with from these values in the order it parses them:
 * `none` empties what came before it (sofia.c:5708-5712), so `nat.auto` then `none` is no ACL at all.
 */
export function effectiveNatAcls(values: readonly string[]): string[] {
  return values.reduce<string[]>((list, v) => (v.toLowerCase() === 'none' ? [] : [...list, v]), []);
}

export function natAclCheck(statusText: string | undefined, sofiaConf: string | undefined, plan?: SitePlan): Check {
  const running = statusText === undefined ? [] : natAclsOf(statusText);
  const loaded = sofiaConf === undefined ? [] : natAclsInConfig(sofiaConf, 'internal');
  const acls = running.length > 0 ? running : loaded;
  const known = statusText !== undefined || sofiaConf !== undefined;
  const ok = acls.length > 0;
  return {
    id: 'internal-nat-acl',
    title: 'internal profile NAT ACL',
    status: ok ? 'pass' : known ? 'fail' : 'warn',
    summary: ok
      ? `apply-nat-acl ${running.length > 0 ? 'active on the running profile' : 'in the sofia.conf the profile loads'}: ${acls.join(', ')}.`
      : known
        ? 'No NAT ACL on the internal profile: phones behind NAT are not recognised as such and get one-way or no audio.'
        : 'Could not read the internal profile from fs_cli.',
    ...(ok
      ? {}
      : {
          fix: 'Enable apply-nat-acl = nat.auto on the internal SIP profile (one row only), then rescan the profile.',
          ...withChange(
            changeIdOf(
              plan,
              (c) => c.path === 'v_sip_profile_settings' && c.after?.sip_profile_setting_name === 'apply-nat-acl',
            ),
          ),
        }),
  };
}
