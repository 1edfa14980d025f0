/**
 * A site run from the lab's technician laptop, shared by the lab tests: the
 * logins and site inputs of the lab's boxes, and contract calls run inside
 * `tech` through one dispatcher (helpers/wizard-in-lab.ts).
 */
import { join } from 'node:path';
import type { Result } from '../../../contract/errors';
import type { PortReport } from '../../../electron/probe/outside';
import { REPO_ROOT, type Lab } from '../../lab/lab';
import { nsenterArgv } from '../../lab/netns';
import { runProgram } from '../../lab/run';
import { SITE } from '../../lab/topology';

export interface LabSite {
  access: { router: Record<string, unknown>; pbx: Record<string, unknown> };
  site: Record<string, unknown>;
}

/** The lab's router and PBX logins (pinned), one trunk and one remote phone. */
export function labSite(lab: Lab): LabSite {
  const router = {
    host: SITE.router.lan,
    port: lab.router!.apiSslPort,
    username: lab.router!.user,
    password: lab.router!.password,
    fingerprint: lab.router!.fingerprint,
  };
  const pbx = {
    host: SITE.pbx,
    port: 22,
    username: 'root',
    auth: { kind: 'password', password: lab.ssh.rootPassword },
    hostKey: lab.hostKeys.pbx,
  };
  return {
    access: { router, pbx },
    site: {
      router,
      pbx,
      trunks: [{ name: 'Carrier', address: SITE.trunk }],
      phones: [{ name: 'Home office', address: SITE.phone }],
      options: { revertMinutes: 5 },
    },
  };
}

/** Runs contract calls in order inside `tech`, as one app session would; one result per call. */
export async function wizardInLab(lab: Lab, calls: { op: string; input: unknown }[]): Promise<Result<unknown>[]> {
  const argv = [
    process.execPath,
    '--import',
    'tsx',
    'test/integration/helpers/wizard-in-lab.ts',
    join(lab.dir, 'wizard-data'),
  ];
  const run = await runProgram(nsenterArgv(lab.hosts.tech!, argv, REPO_ROOT), {
    input: JSON.stringify(calls),
    timeoutMs: 180_000,
  });
  const lines = run.stdout.split('\n').filter((l) => l.startsWith('{'));
  if (lines.length !== calls.length) throw new Error(`wizard printed ${lines.length} results: ${run.stderr}`);
  return lines.map((l) => (JSON.parse(l) as { result: Result<unknown> }).result);
}

/** The value of a call that must have succeeded. */
export function value<T>(result: Result<unknown> | undefined): T {
  if (!result?.ok) throw new Error(`call failed: ${JSON.stringify(result)}`);
  return result.value as T;
}

/** `fspbx-nat probe --from-outside <router WAN>` run on a WAN-side host of the lab. */
export async function probeFromOutside(
  lab: Lab,
  host: 'trunk' | 'phone' | 'stranger',
): Promise<{ code: number; reports: PortReport[] }> {
  const argv = [
    process.execPath,
    '--import',
    'tsx',
    'electron/cli/main.ts',
    '--json',
    'probe',
    '--from-outside',
    SITE.router.wan,
    '--timeout',
    '1',
  ];
  const run = await runProgram(nsenterArgv(lab.hosts[host]!, argv, REPO_ROOT), { timeoutMs: 30_000 });
  return { code: run.code, reports: JSON.parse(run.stdout) as PortReport[] };
}
