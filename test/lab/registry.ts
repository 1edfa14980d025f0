/**
 * Run records and the stale-lab sweeper. Each run writes a record (owner pid and its start time)
 * before it creates anything; at the next start, every namespace, process and folder whose owner
 * is dead is removed, so a killed test leaves nothing behind.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { destroyNetns, isAlive, listNetns, parseNetnsName } from './netns';

export const LAB_ROOT = join(tmpdir(), 'fspbx-lab');
const RUNS = join(LAB_ROOT, 'runs');

export interface RunRecord {
  runId: string;
  ownerPid: number;
  /** Field 22 of /proc/<pid>/stat: tells a live owner from a reused pid. */
  ownerStart: string;
  dir: string;
  mode: 'netns' | 'loopback';
  /** Loopback mode has no netns to sweep: its processes are listed here with their start times. */
  pids: { pid: number; start: string }[];
}

export async function processStart(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  // comm (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

export function runDir(runId: string): string {
  return join(LAB_ROOT, runId);
}

export async function writeRecord(record: RunRecord): Promise<void> {
  await mkdir(RUNS, { recursive: true });
  await writeFile(join(RUNS, `${record.runId}.json`), JSON.stringify(record, null, 2));
}

export async function readRecord(runId: string): Promise<RunRecord | undefined> {
  const text = await readFile(join(RUNS, `${runId}.json`), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as RunRecord;
  } catch {
    return undefined;
  }
}

export async function removeRecord(runId: string): Promise<void> {
  await rm(join(RUNS, `${runId}.json`), { force: true });
}

async function ownerIsAlive(ownerPid: number, record: RunRecord | undefined): Promise<boolean> {
  if (!isAlive(ownerPid)) return false;
  if (!record) return true; // no record yet: a run being created right now
  return (await processStart(ownerPid)) === record.ownerStart;
}

export interface SweepReport {
  netns: string[];
  runs: string[];
}

/** Removes every lab left by a dead owner. Safe to run while other live labs exist. */
export async function sweepStaleLabs(): Promise<SweepReport> {
  const report: SweepReport = { netns: [], runs: [] };
  const records = new Map<string, RunRecord | undefined>();
  const recordOf = async (runId: string): Promise<RunRecord | undefined> => {
    if (!records.has(runId)) records.set(runId, await readRecord(runId));
    return records.get(runId);
  };
  for (const name of await listNetns()) {
    const parsed = parseNetnsName(name);
    if (!parsed) continue;
    if (await ownerIsAlive(parsed.ownerPid, await recordOf(parsed.runId))) continue;
    await destroyNetns(name, 200);
    report.netns.push(name);
  }
  const files = await readdir(RUNS).catch(() => [] as string[]);
  for (const file of files) {
    if (!file.endsWith('.json')) continue;
    const runId = file.slice(0, -'.json'.length);
    const record = await recordOf(runId);
    if (!record) {
      await rm(join(RUNS, file), { force: true });
      continue;
    }
    if (await ownerIsAlive(record.ownerPid, record)) continue;
    for (const { pid, start } of record.pids) {
      if ((await processStart(pid)) === start) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone between the check and the kill
        }
      }
    }
    await rm(record.dir, { recursive: true, force: true });
    await removeRecord(runId);
    report.runs.push(runId);
  }
  // Folders of runs whose record is gone (e.g. killed between the two): same owner rule.
  for (const entry of await readdir(LAB_ROOT).catch(() => [] as string[])) {
    const match = /^(\d{1,10})-[0-9a-f]{6}$/.exec(entry);
    if (!match || (await readRecord(entry))) continue;
    if (isAlive(Number(match[1]))) continue;
    await rm(join(LAB_ROOT, entry), { recursive: true, force: true });
    report.runs.push(entry);
  }
  return report;
}
