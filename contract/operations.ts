/**
 * The one contract of the wizard: every operation, its input schema and the
 * types of its output and progress events. Electron IPC, the browser-mode
 * WebSocket and the CLI all carry exactly these operations.
 */
import { z } from 'zod';
import * as s from './schemas';
import type {
  AppInfo,
  ApplyProgress,
  ApplyResult,
  BundleRef,
  DiscoverProgress,
  DiscoverResult,
  DoctorCheck,
  DoctorReport,
  LanFacts,
  PbxSummary,
  PeersProposal,
  PlannedRun,
  RouterSummary,
  RevertState,
  RunSummary,
  TrustedSigner,
  VerifyCheck,
  VerifyResult,
} from './types';

/** Phantom slot that ties an operation's output and progress types to its runtime spec. */
interface Types<O, P> {
  output: O;
  progress: P;
}

export interface OperationSpec<I extends z.ZodType = z.ZodType, O = unknown, P = unknown> {
  input: I;
  /** One line for `--help` and the docs. */
  summary: string;
  /** Touches a router or a PBX: the UI asks for confirmation, the CLI needs --yes. */
  changesSites: boolean;
  readonly types?: Types<O, P>;
}

const op =
  <O, P = never>() =>
  <I extends z.ZodType>(spec: { input: I; summary: string; changesSites?: boolean }): OperationSpec<I, O, P> => ({
    input: spec.input,
    summary: spec.summary,
    changesSites: spec.changesSites ?? false,
  });

const none = z.object({}).strict();
/**
 * Logins for operations that touch the boxes. Passwords are never stored, so
 * a later process (the CLI) passes them again; within one app session the
 * ones given to site.plan are reused when this is left out.
 */
const access = z.object({ router: s.routerTarget, pbx: s.pbxTarget }).strict();
const runRef = z.object({ runId: s.id, access: access.optional() }).strict();
/** A rollback of the PBX alone neither reads nor changes the router: its login may be left out. */
const rollbackAccess = z.object({ router: s.routerTarget.optional(), pbx: s.pbxTarget }).strict();

export const contract = {
  'app.info': op<AppInfo>()({ input: none, summary: 'Show the wizard version, front end and data folder.' }),
  'app.doctor': op<DoctorReport, DoctorCheck>()({
    input: none,
    summary: 'Check this laptop: data folder, network interfaces, default route, secret storage.',
  }),
  'app.chooseFile': op<{ path?: string }>()({
    input: z
      .object({
        purpose: z.enum(['export-bundle', 'import-bundle']),
        suggestedName: z
          .string()
          .max(255)
          .regex(/^[^/\\]*$/)
          .optional(),
      })
      .strict(),
    summary: "Ask where to save or which file to open, with the system's own dialog (desktop app only).",
  }),
  'lan.detect': op<LanFacts>()({
    input: none,
    summary: "List this laptop's IPv4 networks and pick the likely customer LAN.",
  }),
  discover: op<DiscoverResult, DiscoverProgress>()({
    input: z
      .object({
        interfaces: z.array(z.string().max(64)).max(32).optional(),
        sshPorts: z.array(s.port).max(8).default([22]),
        // Routers answer a request at once; the window only covers a lost datagram or two.
        seconds: z.number().min(0.5).max(30).default(1.5),
      })
      .strict(),
    summary: 'Find MikroTik routers (MNDP) and SSH hosts (possible PBX servers) on the LAN.',
  }),
  'router.read': op<RouterSummary>()({
    input: s.routerTarget,
    summary: 'Log in to the router and read its identity, WAN address and rights.',
  }),
  'pbx.read': op<PbxSummary>()({
    input: s.pbxTarget,
    summary: 'Log in to the PBX over SSH and tell FS PBX, FusionPBX or not a PBX.',
  }),
  'pbx.peers': op<PeersProposal>()({
    input: s.peersInput,
    summary:
      "Propose trunks (from the PBX's gateways, resolved by the PBX) and remote phones (from its registrations); nothing is changed.",
  }),
  'site.plan': op<PlannedRun>()({
    input: s.siteInputs,
    summary: 'Read both boxes and plan every change; nothing is touched.',
  }),
  'site.apply': op<ApplyResult, ApplyProgress>()({
    input: runRef,
    summary: 'Snapshot both boxes, then apply a reviewed plan (router first, then PBX).',
    changesSites: true,
  }),
  'site.verify': op<VerifyResult, VerifyCheck>()({
    input: runRef.extend({
      /** Keep counting the router's forwards this long, while `probe --from-outside` runs from outside. */
      watchSeconds: z.number().min(0).max(300).default(0),
    }),
    summary: 'Check that the applied plan works: read-back, counters, SIP probes.',
  }),
  'site.confirm': op<RunSummary>()({
    input: runRef,
    summary: "Keep the change: disarm the router's automatic revert.",
    changesSites: true,
  }),
  'site.revertState': op<RevertState>()({
    input: runRef,
    summary: "Read the router: is an open run's automatic undo still armed, or has the router undone its half?",
  }),
  'rollback.plan': op<PlannedRun>()({
    input: z
      .object({
        snapshotId: s.id,
        sides: z
          .array(z.enum(['router', 'pbx']))
          .min(1)
          .default(['router', 'pbx']),
        access: rollbackAccess.optional(),
        /**
         * The technician's word that the snapshot may go onto a router or PBX other than the one it was
         * taken of (a replaced box). Without it such a plan is refused.
         */
        acceptOtherBox: z.boolean().default(false),
      })
      .strict(),
    summary: 'Plan the return of router and PBX to a saved snapshot; nothing is touched.',
  }),
  'rollback.apply': op<ApplyResult, ApplyProgress>()({
    input: z.object({ runId: s.id, access: rollbackAccess.optional() }).strict(),
    summary: 'Apply a reviewed rollback plan.',
    changesSites: true,
  }),
  'history.list': op<RunSummary[]>()({
    input: z.object({ siteId: s.id.optional() }).strict(),
    summary: 'List sites and runs, newest first.',
  }),
  'bundle.export': op<BundleRef>()({
    input: z.object({ runId: s.id, path: z.string().min(1).max(4096) }).strict(),
    summary: "Write a run's config bundle (.zip) with report, plan, scripts and snapshots.",
  }),
  'bundle.import': op<RunSummary>()({
    input: z.object({ path: z.string().min(1).max(4096) }).strict(),
    summary: 'Read a config bundle back into history (checksums verified).',
  }),
  'trust.list': op<TrustedSigner[]>()({
    input: none,
    summary: 'List the bundle signers you trust: rollbacks may be planned from snapshots in bundles they signed.',
  }),
  'trust.add': op<TrustedSigner>()({
    input: z
      .object({
        /** A raw Ed25519 public key (base64), or the SHA256:… fingerprint of a signer of a bundle already imported. */
        key: z.string().min(1).max(4096),
        name: z.string().trim().min(1).max(128),
      })
      .strict(),
    summary: "Trust a colleague's installation: its signed bundles' snapshots may then be rolled back to.",
  }),
  'trust.remove': op<{ removed: boolean }>()({
    input: z.object({ key: z.string().min(1).max(4096) }).strict(),
    summary: 'Stop trusting a bundle signer: its bundles become history to read again.',
  }),
} as const;

export type Contract = typeof contract;
export type OpName = keyof Contract;
export type Input<K extends OpName> = z.output<Contract[K]['input']>;
/** What a caller may send: defaults may be left out. */
export type InputArg<K extends OpName> = z.input<Contract[K]['input']>;
export type Output<K extends OpName> = NonNullable<Contract[K]['types']>['output'];
export type Progress<K extends OpName> = NonNullable<Contract[K]['types']>['progress'];

export const OP_NAMES = Object.keys(contract) as OpName[];

export function isOpName(value: unknown): value is OpName {
  return typeof value === 'string' && Object.hasOwn(contract, value);
}
