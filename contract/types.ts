/**
 * The shapes that handlers return and progress events carry. Types only:
 * the renderer imports these, never code from electron/.
 */
export type FrontEnd = 'electron' | 'browser' | 'cli';

export interface AppInfo {
  name: string;
  version: string;
  frontEnd: FrontEnd;
  platform: string;
  /** Where sites, runs and snapshots are kept. */
  dataDir: string;
  runtime: { node: string; electron?: string; chrome?: string };
  /**
   * This runtime's TLS can make anonymous-DH connections (OpenSSL: browser mode, CLI). Electron's
   * BoringSSL cannot: a stock router is then reached by giving it a certificate over SSH.
   */
  anonymousTls?: boolean;
  /** The fingerprint (SHA256:…) of the key this installation signs bundles with. */
  bundleKey?: string;
}

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface DoctorCheck {
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found, in a technician's words. */
  summary: string;
  /** What to do about it, when status is not pass. */
  fix?: string;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  status: CheckStatus;
}

export interface LanInterface {
  name: string;
  address: string;
  netmask: string;
  /** CIDR of the subnet, e.g. 192.168.88.0/24. */
  subnet: string;
  prefix: number;
  broadcast: string;
  mac: string;
  /** The interface that carries the default route, or the best guess at the customer LAN. */
  likelyLan: boolean;
}

export interface LanFacts {
  interfaces: LanInterface[];
  defaultGateway?: { address: string; interface: string };
  /** Why the likely LAN was chosen, shown to the technician. */
  reasoning: string;
}

export interface MndpNeighbour {
  mac: string;
  identity: string;
  version?: string;
  platform?: string;
  board?: string;
  ipv4?: string;
  interfaceName?: string;
  /** Platform says MikroTik: a RouterOS device, not another MNDP speaker. */
  isMikrotik: boolean;
  /** The IPv4 the packet announced when it is not the address it came from (`ipv4`); shown, never used. */
  announcedIpv4?: string;
  /** The laptop interface the reply arrived on. */
  seenOn: string;
}

export interface SshCandidate {
  address: string;
  port: number;
  banner: string;
}

export interface DiscoverResult {
  lan: LanFacts;
  routers: MndpNeighbour[];
  sshHosts: SshCandidate[];
  /** Packets that were not valid MNDP and were skipped. */
  skippedPackets: number;
  /** Another program (WinBox, The Dude) holds UDP 5678: routers that answer by broadcast were not heard. */
  mndpPortBusy?: boolean;
  /** The router list was cut at its limit: `leftOut` more devices answered (a flood, or a very large LAN). */
  mndpCut?: { limit: number; leftOut: number };
}

export type DiscoverProgress =
  | { kind: 'lan'; lan: LanFacts }
  | { kind: 'router'; router: MndpNeighbour }
  | { kind: 'ssh-host'; host: SshCandidate }
  | { kind: 'sweep'; scanned: number; total: number };

export type Target = 'router' | 'pbx';

/** Every change, router or PBX, has this one shape. */
export interface Change {
  id: string;
  target: Target;
  /** Where it applies: a RouterOS menu path or a PBX table/file/setting. */
  path: string;
  action: 'add' | 'set' | 'remove';
  before: Record<string, string | null> | null;
  after: Record<string, string | null> | null;
  /** Why the wizard makes this change, in a technician's words. */
  reason: string;
  /**
   * The entry as FS PBX names it when `before`/`after` do not (a variable's name, an extension,
   * "profile › setting"): contract/change-names.ts puts it after the FS PBX menu.
   */
  label?: string;
}

/** What the review shows of a PBX step (a file written, an fs_cli command): its kind and why. */
export interface PlanStepView {
  kind: string;
  why: string;
}

export interface Warning {
  code: string;
  message: string;
  target?: Target;
}

export interface Plan {
  changes: Change[];
  warnings: Warning[];
  /** Facts the plan relies on (public IP, RTP range…), shown on the review screen. */
  facts: Record<string, string>;
  /** A rollback's findings that matter, shown before anything else on its review. */
  flags?: RollbackFlag[];
  /** The PBX side's steps after its changes (files written, fs_cli commands): counted apart from changes. */
  pbxSteps?: PlanStepView[];
}

/**
 * What a rollback's snapshot holds that differs from the box now and matters (firewall rules,
 * `disabled`, forwards, auth and registration settings, commands): restored only when the
 * wizard manages it, otherwise shown for reading and never sent.
 */
export interface RollbackFlag {
  target: Target;
  /** The item, e.g. `/ip/firewall/filter "defconf: drop all not coming from LAN"`. */
  subject: string;
  /** What the snapshot holds there, e.g. `disabled=true`. */
  change: string;
  /** What it would do on the box, in words. */
  consequence: string;
  /** false: not restored, the wizard does not manage it (context only). */
  restored: boolean;
  /** It could open the box (firewall, forwards, auth, users, commands): listed first. */
  serious: boolean;
}

export interface RouterSummary {
  identity: string;
  version: string;
  board: string;
  /** Addresses on the WAN interfaces, as CIDR. */
  wanAddresses: string[];
  /** `/ip/cloud` public address, when the router knows it. */
  publicAddress?: string;
  /** The gateway of the router's default route (its ISP side). */
  defaultRoute?: string;
  /** A private or CGNAT WAN address: another router in front (double NAT). */
  doubleNat: boolean;
  /** Certificate fingerprint of API-SSL (lower-case hex SHA-256), to pin. */
  fingerprint?: string;
  /** The password crossed the LAN in clear (plain API). */
  insecure: boolean;
  /** API-SSL without a certificate, on the technician's word: encrypted, the router's identity not verifiable. */
  unverified?: boolean;
  /** The certificate the wizard gave api-ssl over SSH on this read (it stays on the router). */
  apiSslCertificate?: { name: string; made: boolean };
  /** This account logged in with an empty password: anyone on the LAN can do the same. */
  emptyPassword?: boolean;
  canWrite: boolean;
  /** The router names no group for this account (a RADIUS login without /user/active group): canWrite is a guess. */
  writeAccessUnknown?: boolean;
}

export interface PbxSummary {
  kind: 'fspbx' | 'fusionpbx' | 'not-a-pbx';
  hostname: string;
  fspbxVersion?: string;
  freeswitchVersion?: string;
  switchname?: string;
  hostKey: string;
}

export type RunStatus =
  'planned' | 'applying' | 'applied' | 'verified' | 'confirmed' | 'failed' | 'rolled-back' | 'interrupted';

export interface RunSummary {
  runId: string;
  siteId: string;
  kind: 'apply' | 'rollback';
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  changeCount: number;
  /** The snapshot taken before this run changed anything: what a rollback returns to. */
  snapshotId?: string;
  /** The site's name as the history knows it (the router's identity unless renamed). */
  siteName?: string;
  /** The public IP the run's plan used (for a rollback: that of the run it undid). */
  publicIp?: string;
  /** Read from a bundle: history to read, never applied. */
  imported?: ImportedFrom;
  /** What this run left on each box, kept true by later confirms, revert reads and rollbacks. */
  boxes?: RunBoxes;
  /** The router's own name (System › Identity), shown beside the name the technician gave the site. */
  routerIdentity?: string;
  /** The technician's ticket or reference for the site, if given. */
  siteTicket?: string;
  /** When the router undoes its part unless the run is confirmed (as the apply read it off the router's clock). */
  revertAt?: string;
}

/** What the router says of an open run's automatic undo, read now (site.revertState). */
export interface RevertState {
  runId: string;
  /** The router still holds the revert job: the changes can still be kept. */
  armed: boolean;
  /** When the router will run it, as the router prints its scheduler's next run (router clock). */
  nextRun?: string;
  /** The job is gone while the run was open: the router has undone its half by itself. */
  routerUndone: boolean;
  /** The run as History now holds it (per-box states included). */
  run: RunSummary;
}

/**
 * What a run's changes are on one box now: applied (the router's revert may still be armed),
 * reverted by the router's own timer, rolled back by a later run, or confirmed (kept).
 */
export type BoxState = 'applied' | 'reverted-by-router' | 'rolled-back' | 'confirmed';

export interface BoxStatus {
  state: BoxState;
  /** When the wizard learnt it (for a revert: when the router ran it, router clock, if it said). */
  at: string;
  /** How many of the run's changes went to this box. */
  changes: number;
  /** The rollback run that undid it. */
  byRun?: string;
}

export interface RunBoxes {
  router?: BoxStatus;
  pbx?: BoxStatus;
}

/**
 * Who signed an imported bundle. A signature proves which installation made
 * the file and that it is unchanged since; it does not prove its contents true.
 */
export interface ImportedFrom {
  signature: 'this-installation' | 'other-installation' | 'unsigned';
  /** The signing key's fingerprint (SHA256:…), when signed. */
  key?: string;
  /** The signing key itself (raw Ed25519, base64), when signed: what `trust add` records. */
  publicKey?: string;
  /**
   * Whether the technician trusts the signer (a key on the trusted-signers list, or this installation's own):
   * only then may a rollback be planned from the run's snapshot. Worked out when read, never taken from a bundle.
   */
  trusted?: boolean;
  /** The name the technician gave a trusted signer. */
  signerName?: string;
}

/** A bundle signer the technician trusts: rollbacks may be planned from snapshots in bundles it signed. */
export interface TrustedSigner {
  /** Raw Ed25519 public key, base64 (44 characters). */
  publicKey: string;
  /** SHA256:… of the raw key, as History and `app.info` show keys. */
  fingerprint: string;
  name: string;
  addedAt: string;
}

/**
 * What a visit's plan was made from at the site, computed once when the plan is made
 * (electron/site/facts.ts) and kept with the run: both planners, verify, the review and
 * report.html read these, none derives them again.
 */
export interface SiteFacts {
  /** The address the Internet sees: the PBX announces it, the forwards and verify use it. */
  publicIp: string;
  /** 'technician': entered in Options; 'router': the router's WAN address. */
  publicFrom: 'technician' | 'router';
  /** The WAN address is given by the provider (DHCP, PPPoE, LTE: flag D) and may change after the visit. */
  publicDynamic: boolean;
  /** The router interface the public address sits on, when the router holds it. */
  wanInterface?: string;
  /** The router's own address on the PBX's LAN (the hairpin's source, event_guard's concern). */
  routerLanAddress?: string;
  /** The RTP range the PBX uses and the router forwards. */
  rtp: { start: number; end: number };
  /** How long the router keeps the changes before undoing them unless confirmed. */
  revertMinutes: number;
}

/** What a rollback run covers and what the technician accepted for it. */
export interface RollbackControl {
  /** Both boxes, or one half (the PBX after the router's own undo). */
  sides: Target[];
  /** The boxes reached were not those the snapshot was taken of, and the technician accepted that. */
  otherBoxAccepted: boolean;
}

export interface PlannedRun {
  runId: string;
  plan: Plan;
  /** What the plan was made from (an apply's plan; a rollback has none of its own). */
  site?: SiteFacts;
  /** A rollback's sides and acceptance. */
  rollback?: RollbackControl;
  /** The router's changes as the RouterOS script the bundle carries (router/apply.rsc), for Copy and Save. */
  routerScript?: string;
}

export type ApplyProgress =
  | { kind: 'change'; changeId: string; index: number; total: number; status: 'sending' | 'done' | 'failed' }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export interface ApplyResult {
  runId: string;
  status: RunStatus;
  /** The snapshot taken before the first change: what a rollback returns to. */
  snapshotId?: string;
  applied: string[];
  failed?: { changeId: string; message: string };
  /** When the router will revert unless the technician confirms (ISO time). */
  revertAt?: string;
}

/** Where a verify check looked: the router's config, the PBX's config, or real traffic. */
export type CheckGroup = 'router' | 'pbx' | 'traffic';

export interface VerifyCheck {
  id: string;
  title: string;
  status: CheckStatus;
  /** Which list the checklist shows it in; when absent the renderer infers it from the id. */
  group?: CheckGroup;
  summary: string;
  fix?: string;
  /** The plan entry that would fix a failure. */
  changeId?: string;
}

export interface VerifyResult {
  runId: string;
  checks: VerifyCheck[];
  status: CheckStatus;
}

export interface BundleRef {
  path: string;
  sha256: string;
  bytes: number;
}

/** How an address was found: typed as an IP in FS PBX, or which DNS record (as the PBX resolved it) gave it. */
export type AddressRecord = 'IP' | 'A' | 'SRV' | 'NAPTR';

/** One gateway setting that led to a proposed trunk address. */
export interface TrunkSource {
  /** The gateway's name in FS PBX (v_gateways.gateway). */
  gateway: string;
  /** Its name in FreeSWITCH (`sofia status gateway`): lower-case gateway_uuid. */
  gatewayId: string;
  /** Which setting: proxy (or realm when proxy is empty), register-proxy or outbound-proxy. */
  role: 'proxy' | 'register-proxy' | 'outbound-proxy';
  /** The setting's value as FS PBX stores it. */
  configured: string;
  transport: 'udp' | 'tcp' | 'tls';
  record: AddressRecord;
  /** The lookup chain in words, e.g. "NAPTR sip.carrier.example → SRV _sip._udp.… → edge1…:5060 → A". */
  lookup: string;
  /** FreeSWITCH's state for the gateway now (REGED, NOREG, TRYING, …); null when it does not run it. */
  state: string | null;
}

/** A trunk for step 4, read from the PBX: editable; selected unless something says otherwise. */
export interface ProposedTrunk {
  /** Stable within one proposal, for the UI's keys. */
  id: string;
  name: string;
  address: string;
  selected: boolean;
  sources: TrunkSource[];
  /** Why it is proposed (and why not ticked, when it is not). */
  why: string;
}

/** One registration that led to a proposed remote phone. */
export interface RegistrationSource {
  /** user@domain as registered. */
  user: string;
  /** The phone's User-Agent. */
  agent: string;
  /** The source port the REGISTER came from. */
  port: number | null;
}

/** A remote phone for step 4, read from the PBX's registrations: never selected until the technician ticks it. */
export interface ProposedPhone {
  id: string;
  name: string;
  /** The address the PBX received the registration from. */
  address: string;
  selected: false;
  sources: RegistrationSource[];
  why: string;
}

/** What the PBX knows about its trunks and remote phones, as proposals for step 4. */
export interface PeersProposal {
  trunks: ProposedTrunk[];
  phones: ProposedPhone[];
  warnings: Warning[];
  /** Gateways, names and registrations that gave no proposal, and why. */
  notProposed: { what: string; why: string }[];
  /** How names were resolved on the PBX, and what that tool could see. */
  resolver: { tool: 'dig' | 'host' | 'getent' | 'none'; records: AddressRecord[]; note: string };
  /** Counts of what was read (null: FreeSWITCH did not answer). */
  read: { gateways: number; runningGateways: number | null; registrations: number | null };
}
