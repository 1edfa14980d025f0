/**
 * The automatic revert in scripts a router keeps whole, and the check that it did. Pure.
 *
 * How long may one `/system/script` `source` be? No public source gives RouterOS's limit, on 6.49
 * or 7.x, for a script's source, a scheduler's `on-event` or one API word (the API manual gives
 * the word length encoding up to 2^32 bytes and says only that "there is a limit on the number
 * and size of sentences that the client can send before it has logged in":
 * https://help.mikrotik.com/docs/x/PgDWAg, "API sentences"; the Scripting manual limits only
 * `:execute`, "Executed scripts cannot be larger than 64 kB", which the revert does not use). What
 * is public:
 * - sources of 40,259 bytes stored on 6.49 and 56,686 bytes on 7.21 by `/system script add`/`set`
 *   (github.com/eworm-de/routeros-scripts: branch routeros-v6, `global-functions` installed by
 *   README.md:88; main, `global-functions.rsc` installed by README.md:162): they were kept, so
 *   these are sizes a router holds, not its limit;
 * - the console's `edit` field "is limited to 30 thousand characters"
 *   (https://help.mikrotik.com/docs/spaces/ROS/pages/47579229/Scripting, "edit"), and WinBox 3.41
 *   takes at most 30,000 characters into a script
 *   (github.com/beeyev/Mikrotik-RouterOS-automatic-backup-and-update/issues/66): a technician who
 *   opens a longer script there sees it cut, and saving it keeps the cut.
 * So each script of the revert stays within 16 KiB: about half the smallest figure with a source,
 * and well inside what routers are known to keep. The wizard does not rely on that figure: every
 * script is read back after it is written (`readBackError`) and the apply stops before its first
 * change when one differs.
 */
import { err, ok, type AppError, type Result } from '../../contract/errors';

export const REVERT_SCRIPT_BYTES = 16_384;

/** A script of the revert as written: its name and its source. */
export interface RevertScript {
  name: string;
  source: string;
}

/**
 * The bytes a source takes on the router. The wizard's scripts are printable ASCII (script.ts
 * writes every other byte as \HH and keeps comments to ASCII), so one char is one byte.
 */
export function sourceBytes(source: string): number {
  return source.length;
}

/** 16384 → "16,384", as the technician reads sizes. */
export function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

/** A source of whole lines: each ends with a newline. */
export function linesSource(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * Packs blocks of lines (one change each: never split) into sources of at most `limit` bytes,
 * each opened by `header(part)`; parts keep the blocks' order. No blocks: no parts.
 */
export function packBlocks(
  blocks: readonly (readonly string[])[],
  header: (part: number) => string,
  limit = REVERT_SCRIPT_BYTES,
): Result<string[]> {
  const parts: string[][] = [];
  let size = 0;
  for (const block of blocks) {
    const bytes = sourceBytes(linesSource(block));
    const current = parts.at(-1);
    if (current && size + bytes <= limit) {
      current.push(...block);
      size += bytes;
      continue;
    }
    const opened = [header(parts.length + 1), ...block];
    size = sourceBytes(linesSource(opened));
    if (size > limit) {
      return err({
        code: 'invalid_input',
        message: `One change of the automatic revert takes ${grouped(size)} bytes, more than the ${grouped(limit)} a router script of the wizard may hold, so nothing was changed.`,
        detail: opened.join('\n').slice(0, 200),
      });
    }
    parts.push(opened);
  }
  return ok(parts.map(linesSource));
}

/** Where two sources first differ (a byte offset), or undefined when they are the same. */
function firstDifference(a: string, b: string): number | undefined {
  if (a === b) return undefined;
  // They differ, so this stops by the shorter one's end (where one char is undefined) at the latest.
  let i = 0;
  while (a[i] === b[i]) i += 1;
  return i;
}

/**
 * Whether the router kept each script as written, from its `source` read back (undefined: no
 * such script). A router that refused, cut or changed one gives one sentence naming it.
 */
export function readBackError(
  written: readonly RevertScript[],
  read: ReadonlyMap<string, string | undefined>,
): AppError | undefined {
  for (const script of written) {
    const held = read.get(script.name);
    const total = sourceBytes(script.source);
    if (held === undefined) {
      return {
        code: 'io_failed',
        message: `The router did not keep the automatic revert's script ${script.name}, so nothing was changed.`,
        detail: `${script.name}: not found when read back after it was added (${total} bytes written)`,
      };
    }
    const at = firstDifference(script.source, held);
    if (at === undefined) continue;
    return {
      code: 'io_failed',
      message: `The router kept ${grouped(sourceBytes(held))} of the ${grouped(total)} bytes written to the automatic revert's script ${script.name}, so nothing was changed: plan fewer phones or trunks per apply on this router.`,
      detail: `${script.name}: read back differs from what was written at byte ${at} (written ${total} bytes, read ${sourceBytes(held)})`,
    };
  }
  return undefined;
}
