/** Each extension the plan moved to another media mode, as FreeSWITCH's directory reports it now. */
import type { PbxState } from '../../pbx/model/state';
import type { SitePlan } from '../combine';
import type { Check } from './shared';

/** One extension the plan changed, as `user_data` reports it now. */
export interface MediaAnswer {
  /** `ext@domain` */
  user: string;
  changeId: string;
  wanted: 'proxy-media' | 'default';
  /** `user_data … var proxy_media` / `var bypass_media`; undefined when fs_cli did not answer. */
  proxyMedia?: string;
  bypassMedia?: string;
}

/** The extensions a plan moves to another media mode, with the domain FreeSWITCH knows them by. */
export function plannedMedia(plan: SitePlan, state: PbxState): Omit<MediaAnswer, 'proxyMedia' | 'bypassMedia'>[] {
  const domains = new Map(state.domains.map((d) => [d.domain_uuid, d.domain_name]));
  const out: Omit<MediaAnswer, 'proxyMedia' | 'bypassMedia'>[] = [];
  for (const change of plan.pbx?.changes ?? []) {
    if (change.path !== 'v_extensions' || change.action !== 'set' || !change.after) continue;
    const ext = state.extensions.find((e) => e.extension_uuid === change.key);
    const domain = ext ? (domains.get(ext.domain_uuid ?? '') ?? ext.user_context) : undefined;
    if (!ext?.extension || !domain) continue;
    // A disabled extension is not in FreeSWITCH's directory (directory.lua:287-292): its row is set
    // for the day it is enabled, but there is nothing running to ask about.
    if (ext['enabled'] !== undefined && ext['enabled'] !== 'true') continue;
    // Nor is any extension of a disabled domain (directory.lua:290 `d.domain_enabled = 'true'`).
    const domainRow = state.domains.find((d) => d.domain_uuid === ext.domain_uuid);
    const domainEnabled = domainRow?.['domain_enabled'];
    if (domainEnabled !== undefined && domainEnabled !== 'true') continue;
    out.push({
      user: `${ext.extension}@${domain}`,
      changeId: change.id,
      wanted: change.after.sip_bypass_media === 'proxy-media' ? 'proxy-media' : 'default',
    });
  }
  return out;
}

/** fs_cli splits its command on spaces: only plain user@domain words are asked about. */
export function askableUser(user: string): boolean {
  return /^[A-Za-z0-9_.+-]{1,64}@[A-Za-z0-9_.-]{1,253}$/.test(user);
}

export function mediaChecks(answers: MediaAnswer[]): Check[] {
  return answers.map((a) => {
    const read = a.proxyMedia !== undefined && a.bypassMedia !== undefined;
    const bypass = a.bypassMedia === 'true';
    const proxy = a.proxyMedia === 'true';
    const ok = read && !bypass && (a.wanted === 'proxy-media' ? proxy : !proxy);
    const now = !read ? 'unknown' : bypass ? 'Bypass Media' : proxy ? 'Proxy Media' : 'the default media handling';
    const want = a.wanted === 'proxy-media' ? 'Proxy Media' : 'the default media handling';
    return {
      id: `media-${a.user}`,
      title: `Extension ${a.user} media mode`,
      status: ok ? 'pass' : read ? 'fail' : 'warn',
      summary: ok
        ? `FreeSWITCH uses ${want} for ${a.user}.`
        : read
          ? `FreeSWITCH still uses ${now} for ${a.user}${bypass ? ': audio goes phone to phone and breaks behind NAT' : ''}.`
          : askableUser(a.user)
            ? `fs_cli did not answer user_data for ${a.user}.`
            : `Not asked: ${JSON.stringify(a.user)} has characters fs_cli cannot take in a command.`,
      ...(ok
        ? {}
        : {
            fix: `Set the extension's media to ${want} (Extensions › ${a.user.split('@')[0]} › Advanced), then clear the directory cache so FreeSWITCH rereads it.`,
            changeId: a.changeId,
          }),
    };
  });
}
