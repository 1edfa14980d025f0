/**
 * The SIP profile settings the wizard knows, as one table: whether a setting
 * holds one value or adds up row by row, what a rescan does with it, what the
 * wizard wants on the internal profile and why. The profile planner, the
 * review and the rescan-or-restart rule all read it. Sources:
 * signalwire/freeswitch @ cc93a683 src/mod/endpoints/mod_sofia/sofia.c
 * (line numbers below); a rescan re-parses every param into the running
 * profile (:4713) after emptying the inbound, NAT, register and proxy ACL
 * lists and the rtp-ip list (:4692-4711, the rescan-only branch), so those
 * lists are rebuilt from the enabled rows. The candidate ACL list is emptied
 * by neither branch: only a restart (a new profile) starts it afresh.
 */

/**
 * - reparsed: a rescan applies a new value (a removed or disabled row keeps the old one running);
 * - bound: used when the profile's sockets are created, so only a restart changes it (:3218-3239);
 * - rebuilt: a list a rescan empties and fills again from the enabled rows (:4692-4711), so any
 *   change, a removal included, takes effect without a restart;
 * - appends: each parse adds to a list that only a restart empties (old entries stay after a rescan,
 *   and every rescan adds the enabled rows again until the list is full).
 */
export type RescanEffect = 'reparsed' | 'bound' | 'rebuilt' | 'appends';

export interface ProfileSettingRule {
  /** single: the last enabled row wins; cumulative: every enabled row adds an entry. */
  kind: 'single' | 'cumulative';
  rescan: RescanEffect;
  /** What the wizard wants on every enabled internal profile, and why (shown in the review). */
  wanted?: { value: string; why: string };
  /** Shown in the external profile's NAT review. */
  reviewed: boolean;
  /** The FreeSWITCH source line that says how it behaves. */
  source: string;
}

export const PROFILE_SETTINGS: Readonly<Record<string, ProfileSettingRule>> = {
  'sip-ip': { kind: 'single', rescan: 'bound', reviewed: true, source: 'sofia.c:5211, :4266-4270, :3218-3239' },
  'sip-port': { kind: 'single', rescan: 'bound', reviewed: true, source: 'sofia.c:5127, :3218-3239' },
  'rtp-ip': { kind: 'cumulative', rescan: 'rebuilt', reviewed: true, source: 'sofia.c:5174-5206, :4705' },
  'ext-sip-ip': { kind: 'single', rescan: 'reparsed', reviewed: true, source: 'sofia.c:5236-5268' },
  'ext-rtp-ip': { kind: 'single', rescan: 'reparsed', reviewed: true, source: 'sofia.c:5144-5173' },
  'aggressive-nat-detection': {
    kind: 'single',
    rescan: 'reparsed',
    reviewed: true,
    wanted: {
      value: 'true',
      why: 'Makes the internal profile look for NAT in every request, so remote phones behind NAT keep working.',
    },
    source: 'sofia.c:5101-5106',
  },
  'apply-nat-acl': {
    kind: 'cumulative',
    rescan: 'rebuilt',
    reviewed: true,
    wanted: {
      value: 'nat.auto',
      why: 'Lets FreeSWITCH recognise phones behind NAT (private addresses) and answer them at their public address.',
    },
    source: 'sofia.c:5708-5719, :4696',
  },
  'local-network-acl': { kind: 'single', rescan: 'reparsed', reviewed: true, source: 'sofia.c:5269' },
  'apply-inbound-acl': { kind: 'cumulative', rescan: 'rebuilt', reviewed: true, source: 'sofia.c:5720, :4695' },
  'apply-register-acl': { kind: 'cumulative', rescan: 'rebuilt', reviewed: false, source: 'sofia.c:5754, :4697' },
  'apply-proxy-acl': { kind: 'cumulative', rescan: 'rebuilt', reviewed: false, source: 'sofia.c:5746, :4698' },
  // Never emptied by a rescan (not in :4692-4711) and capped at SWITCH_MAX_CAND_ACL = 25 (switch_core_media.h:42).
  'apply-candidate-acl': { kind: 'cumulative', rescan: 'appends', reviewed: false, source: 'sofia.c:5763-5767' },
  // The rport levels go to the SIP stack when it is created (NTATAG_SERVER/CLIENT_RPORT): a rescan changes
  // only the profile's copy, read by one later check (:10489), so the full effect waits for a restart.
  'NDLB-force-rport': { kind: 'single', rescan: 'bound', reviewed: true, source: 'sofia.c:4991-5005, :3277-3278' },
  // Handed to the SIP stack at creation as its default proxy (NTATAG_DEFAULT_PROXY).
  'outbound-proxy': { kind: 'single', rescan: 'bound', reviewed: false, source: 'sofia.c:5289-5294, :3276' },
  'ws-binding': { kind: 'single', rescan: 'bound', reviewed: false, source: 'sofia.c:5806, :3218-3239' },
  'wss-binding': { kind: 'single', rescan: 'bound', reviewed: false, source: 'sofia.c:5819, :3218-3239' },
  tls: { kind: 'single', rescan: 'bound', reviewed: false, source: 'sofia.c:5835, :3218-3239' },
  'tls-sip-port': { kind: 'single', rescan: 'bound', reviewed: false, source: 'sofia.c:5862, :3218-3239' },
  'bind-params': { kind: 'single', rescan: 'bound', reviewed: false, source: 'sofia.c:5281, :4266-4270' },
};

/** The rule for a setting name; names the table does not list behave like reparsed single values. */
export function ruleFor(name: string | null): ProfileSettingRule {
  return (
    (name === null ? undefined : PROFILE_SETTINGS[name]) ?? {
      kind: 'single',
      rescan: 'reparsed',
      reviewed: false,
      source: 'sofia.c:4713',
    }
  );
}

/** Settings the wizard wants on the internal profile, in the table's order. */
export const WANTED_ON_INTERNAL = Object.entries(PROFILE_SETTINGS).flatMap(([name, rule]) =>
  rule.wanted ? [{ name, kind: rule.kind, ...rule.wanted }] : [],
);

/** Settings shown in the external profile's review, in the table's order. */
export const REVIEWED_SETTINGS = Object.entries(PROFILE_SETTINGS)
  .filter(([, rule]) => rule.reviewed)
  .map(([name]) => name);
