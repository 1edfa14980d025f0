/**
 * The PBX as every operation reaches it: one SSH session, its host key pinned (pins.ts), with the
 * read, the apply (a COMMIT lost with the link settled from a fresh read on a new session pinned
 * the same way) and the read-only questions verify asks (fs_cli in one batch, FS PBX's gateway
 * names). The site run's PbxSide (sides.ts) is this box behind the journal's hooks.
 */
import { Failure } from '../../../contract/errors';
import type { PbxTarget } from '../../../contract/schemas';
import type { PbxApplyOptions, PbxApplyRecord } from '../../pbx/apply/apply';
import { applyPbxOn } from '../../pbx/engine';
import type { PbxState } from '../../pbx/model/state';
import type { PbxPlan } from '../../pbx/plan/plan';
import { readGatewayNames } from '../../pbx/read/gateway-names';
import { readPbxState } from '../../pbx/read/reader';
import { askFsCli } from '../../pbx/session/batch';
import { openSsh, type OpenOptions, type SshSession } from '../../pbx/session/ssh';
import type { ApplyHooks, PbxSide } from '../sides';
import { pbxProgress } from './pbx-progress';
import { pinnedPbx, type Pins } from './pins';

/** How the SSH session is opened (time limits, the agent socket); defaults for the app. */
export type PbxBoxOptions = OpenOptions;

export interface PbxBox {
  /** The open session: for the handlers' own read-only reads (fingerprinting, peers). */
  session: SshSession;
  /** The host key this PBX was reached with (checked before any credential was sent). */
  hostKey: string;
  read(): Promise<PbxState>;
  /** Applies a reviewed plan; a COMMIT lost with the link is settled from a read on a new session. */
  apply(plan: PbxPlan, options?: PbxApplyOptions): Promise<PbxApplyRecord>;
  /** fs_cli questions asked in one exec, password values blanked on the PBX: command → answer. */
  askFsCli(commands: readonly string[]): Promise<Map<string, string | undefined>>;
  /** FS PBX's gateway names by gateway uuid. */
  gatewayNames(): Promise<Map<string, string>>;
  close(): void;
}

/** An SSH session to the PBX, its host key pinned as pins.ts says. */
export async function openPbxBox(pins: Pins, target: PbxTarget, options: PbxBoxOptions = {}): Promise<PbxBox> {
  const pinned = pinnedPbx(pins, target);
  const session = await openSsh(pinned, options);
  const readBack = async () => {
    const again = await openSsh(pinned, options);
    try {
      return await readPbxState(again);
    } finally {
      again.close();
    }
  };
  return {
    session,
    hostKey: session.hostKey,
    read: () => readPbxState(session),
    apply: (plan, applyOptions = {}) => applyPbxOn(session, plan, readBack, applyOptions),
    askFsCli: (commands) => askFsCli(session, commands, { hideSecrets: true }),
    gatewayNames: () => readGatewayNames(session),
    close: () => session.close(),
  };
}

/** `work` on a PBX box of its own, closed after. */
export async function withPbxBox<T>(
  pins: Pins,
  target: PbxTarget,
  work: (box: PbxBox) => Promise<T>,
  options: PbxBoxOptions = {},
): Promise<T> {
  const box = await openPbxBox(pins, target, options);
  try {
    return await work(box);
  } finally {
    box.close();
  }
}

/** The site run's PbxSide: the box, its apply reported step by step to the journal's hooks. */
export async function openPbxSide(pins: Pins, target: PbxTarget, options: PbxBoxOptions = {}): Promise<PbxSide> {
  const box = await openPbxBox(pins, target, options);
  return {
    hostKey: box.hostKey,
    read: () => box.read(),
    async apply(plan, hooks: ApplyHooks) {
      // Told as FreeSWITCH answers each step, not all at the end (pbx-progress.ts).
      const progress = pbxProgress(plan, hooks);
      hooks.before(progress.ids);
      const record = await box.apply(plan, { onProgress: progress.onProgress });
      progress.finish(record);
      if (!record.complete) {
        throw new Failure(
          record.error ?? { code: 'io_failed', message: 'The PBX did not finish every step; see the journal.' },
        );
      }
    },
    askFsCli: (commands) => box.askFsCli(commands),
    gatewayNames: () => box.gatewayNames(),
    close: async () => box.close(),
  };
}
