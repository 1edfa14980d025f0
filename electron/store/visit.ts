/**
 * The visit record: one stored run, typed. A run's row is parsed here once into a
 * `SiteRun` (inputs, site facts, plan with each engine's own part, rollback control,
 * result, per-box status); handlers and the site layer pass that on and never read the
 * JSON again or cast it. Records carry a format version: format 1 (before site facts and
 * typed control existed, and bundles made then) is upgraded here on read.
 */
import { z } from 'zod';
import type {
  ImportedFrom,
  Plan,
  RollbackControl,
  RunBoxes,
  RunStatus,
  SiteFacts,
  VerifyResult,
} from '../../contract/types';
import { siteInputs, type SiteInputs } from '../../contract/schemas';
import { isIPv4 } from '../../contract/ipv4';
import type { PbxPlan } from '../pbx/plan/plan';
import { PBX_TABLES, type PbxTable } from '../pbx/model/change';
import type { RouterPlan } from '../routeros/plan';
import { menuKeyOf, type MenuPath } from '../routeros/menus';
import { changeSchema, planSchema, runStatus, warningSchema } from './schemas';

/** The format new records are written in; `upgradeRecord` reads every older one. */
export const VISIT_FORMAT = 2;

/** The plan a run stores: the common view the review shows, plus each engine's own plan. */
export interface SitePlan extends Plan {
  router?: RouterPlan;
  pbx?: PbxPlan;
}

/** What a rollback run covers and what the technician accepted: typed, never strings in the plan's facts. */
export type { RollbackControl };

/** A run's outcome as it is filled in: the apply's record, then verify's checks, or a note on why it stopped. */
export interface RunResult {
  runId?: string;
  status?: RunStatus;
  snapshotId?: string;
  applied?: string[];
  failed?: { changeId: string; message: string };
  revertAt?: string;
  verification?: VerifyResult;
  note?: string;
}

/** The stored inputs: the site inputs as given, every secret replaced (store/redact.ts). */
export type StoredInputs = SiteInputs;

export interface SiteRun {
  format: typeof VISIT_FORMAT;
  runId: string;
  siteId: string;
  kind: 'apply' | 'rollback';
  status: RunStatus;
  inputs: StoredInputs;
  plan: SitePlan;
  /** An apply's site facts (absent on a rollback, and on a format-1 record that did not say). */
  facts?: SiteFacts;
  /** A rollback's sides and acceptance. */
  control?: RollbackControl;
  result?: RunResult;
  snapshotId?: string;
  /** For a rollback run: the snapshot it returns to. */
  rollbackOf?: string;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Read from a bundle: history to read, never a plan to apply. */
  imported?: ImportedFrom;
  /** What the run's changes are now on each box. */
  boxes?: RunBoxes;
}

/** A run as a bundle carries it: format 1 (before site facts) is stored as such and upgraded on read. */
export type BundledRun = Omit<SiteRun, 'format' | 'imported' | 'boxes'> & { format: 1 | typeof VISIT_FORMAT };

// ── schemas ──────────────────────────────────────────────────────────────
const text = (max = 64 * 1024) => z.string().max(max);

const menuPath = z.custom<MenuPath>((v) => typeof v === 'string' && menuKeyOf(v) !== undefined, 'a RouterOS menu');
const pbxTable = z.custom<PbxTable>((v) => typeof v === 'string' && Object.hasOwn(PBX_TABLES, v), 'an FS PBX table');

const flagSchema = z.strictObject({
  target: z.enum(['router', 'pbx']),
  subject: text(4096),
  change: text(4096),
  consequence: text(4096),
  restored: z.boolean(),
  serious: z.boolean(),
});

const commonPlan = {
  warnings: z.array(warningSchema).max(10_000),
  facts: z.record(z.string().max(128), text(4096)),
  flags: z.array(flagSchema).max(10_000).optional(),
  pbxSteps: z
    .array(z.strictObject({ kind: text(64), why: text(4096) }))
    .max(1_000)
    .optional(),
};

const routerChange = changeSchema.extend({
  target: z.literal('router'),
  path: menuPath,
  label: text(4096).optional(),
  itemId: text(64).optional(),
  placeBefore: text(64).optional(),
  match: z.record(z.string().max(64), text()).optional(),
});

const routerPlan = z.looseObject({ ...commonPlan, changes: z.array(routerChange).max(100_000) });

const pbxChange = changeSchema.extend({
  target: z.literal('pbx'),
  path: pbxTable,
  label: text(4096).optional(),
  key: text(64).optional(),
});

const pbxStep = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('write-file'),
    path: text(4096),
    content: text(1024 * 1024),
    owner: text(64),
    group: text(64),
    why: text(4096),
  }),
  z.strictObject({ kind: z.literal('delete-cache-file'), path: text(4096), why: text(4096) }),
  z.strictObject({
    kind: z.literal('fs-cli'),
    command: text(4096),
    why: text(4096),
    retry: z
      .strictObject({
        whileOutputIncludes: text(4096),
        attempts: z.number().int().min(1).max(100),
        delaySeconds: z.number().min(0).max(600),
      })
      .optional(),
    waitRunning: text(128).optional(),
  }),
]);

const pbxPlan = z.looseObject({
  ...commonPlan,
  changes: z.array(pbxChange).max(100_000),
  settled: z
    .array(z.strictObject({ path: text(512), item: text(4096), value: text().nullable(), message: text(4096) }))
    .max(100_000),
  review: z
    .array(
      z.strictObject({
        profile: text(256),
        settings: z
          .array(z.strictObject({ name: text(256), value: text().nullable(), enabled: z.boolean(), note: text(4096) }))
          .max(10_000),
      }),
    )
    .max(1_000),
  steps: z.array(pbxStep).max(1_000),
  profileActions: z.record(z.string().max(256), z.enum(['restart', 'rescan'])),
});

export const sitePlanSchema = planSchema.extend({
  ...commonPlan,
  router: routerPlan.optional(),
  pbx: pbxPlan.optional(),
}) satisfies z.ZodType<SitePlan>;

const siteFactsSchema = z.strictObject({
  publicIp: z.string().refine(isIPv4, 'an IPv4 address'),
  publicFrom: z.enum(['technician', 'router']),
  publicDynamic: z.boolean(),
  wanInterface: text(256).optional(),
  routerLanAddress: z.string().refine(isIPv4, 'an IPv4 address').optional(),
  rtp: z.strictObject({ start: z.number().int().min(1).max(65535), end: z.number().int().min(1).max(65535) }),
  revertMinutes: z.number().int().min(1).max(60),
}) satisfies z.ZodType<SiteFacts>;

const controlSchema = z.strictObject({
  sides: z
    .array(z.enum(['router', 'pbx']))
    .min(1)
    .max(2),
  otherBoxAccepted: z.boolean(),
}) satisfies z.ZodType<RollbackControl>;

const checkStatus = z.enum(['pass', 'warn', 'fail']);
const resultSchema = z.looseObject({
  runId: text(64).optional(),
  status: runStatus.optional(),
  snapshotId: text(64).optional(),
  applied: z.array(text(200)).max(100_000).optional(),
  failed: z.looseObject({ changeId: text(200), message: text(8192) }).optional(),
  revertAt: text(64).optional(),
  note: text(4096).optional(),
  verification: z
    .looseObject({
      runId: text(64),
      status: checkStatus,
      checks: z
        .array(
          z.looseObject({
            id: text(200),
            title: text(4096),
            status: checkStatus,
            group: z.enum(['router', 'pbx', 'traffic']).optional(),
            summary: text(8192),
            fix: text(8192).optional(),
            changeId: text(200).optional(),
          }),
        )
        .max(10_000),
    })
    .optional(),
}) satisfies z.ZodType<RunResult>;

export { siteFactsSchema, controlSchema, resultSchema };

/** The stored inputs: the contract's site inputs (every secret already replaced by the same placeholder). */
export const storedInputsSchema = siteInputs;

// ── format 1 → 2 ─────────────────────────────────────────────────────────
/** Format 1 kept a rollback's control as strings among the plan's facts. */
const V1_SIDES_FACT = 'rollback.sides';
const V1_OTHER_BOX_FACT = 'rollback.otherBox';

/** A format-1 rollback's control, read from the facts it kept it in; those facts are then dropped from view. */
export function controlFromV1Facts(facts: Record<string, string>): RollbackControl {
  const sides = (facts[V1_SIDES_FACT] ?? 'router,pbx')
    .split(',')
    .filter((side): side is 'router' | 'pbx' => side === 'router' || side === 'pbx');
  return {
    sides: sides.length > 0 ? [...new Set(sides)] : ['router', 'pbx'],
    otherBoxAccepted: V1_OTHER_BOX_FACT in facts,
  };
}

export function withoutV1ControlFacts(plan: SitePlan): SitePlan {
  if (!(V1_SIDES_FACT in plan.facts) && !(V1_OTHER_BOX_FACT in plan.facts)) return plan;
  const facts = Object.fromEntries(
    Object.entries(plan.facts).filter(([key]) => key !== V1_SIDES_FACT && key !== V1_OTHER_BOX_FACT),
  );
  return { ...plan, facts };
}

/** A format-1 apply's facts, from what its plan showed (public IP, RTP range, LAN, WAN flag) and its inputs. */
export function factsFromV1(plan: SitePlan, inputs: StoredInputs): SiteFacts | undefined {
  const f = plan.facts;
  const shown = [f['pbx.publicIp'], f['router.wanAddress']].find((v): v is string => v !== undefined && isIPv4(v));
  const publicIp = inputs.options.publicIp ?? shown;
  const rtp = /^(\d{1,5})-(\d{1,5})\b/.exec(f['pbx.rtp'] ?? '');
  if (publicIp === undefined || !rtp) return undefined;
  const wanDynamic = /^given to (\S+) by the provider/.exec(f['router.wanAddressDynamic'] ?? '');
  const onRouter = f['router.wanAddress'] === publicIp;
  const lan = (f['router.lan'] ?? '').split('/')[0] ?? '';
  return {
    publicIp,
    publicFrom: inputs.options.publicIp === undefined ? 'router' : 'technician',
    publicDynamic: onRouter && wanDynamic !== null,
    ...(onRouter && wanDynamic?.[1] ? { wanInterface: wanDynamic[1] } : {}),
    ...(isIPv4(lan) ? { routerLanAddress: lan } : {}),
    rtp: { start: Number(rtp[1]), end: Number(rtp[2]) },
    revertMinutes: inputs.options.revertMinutes,
  };
}
