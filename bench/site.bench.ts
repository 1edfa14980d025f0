/**
 * A technician's site run in the lab, phase by phase, against the lab's bare round trips: the
 * wizard's PBX read, router read, plan, apply, verify and rollback, each as a ratio to one SSH
 * exec of `true` and one API print through the wizard's own adapters, with the SSH
 * connections/execs and API commands/round trips each phase cost. FreeSWITCH's own waits (it
 * refuses a profile restart in the first 10 s) are stated apart. Issue 22's goals: plan ≤ 1.0 s,
 * apply ≤ 3 s without FreeSWITCH's waits, verify ≤ 1.5 s (issue 16's PBX read ≤ 0.4 s beside them).
 * Needs root (namespaces).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../test/lab/lab';
import { nsenterArgv } from '../test/lab/netns';
import { runProgram } from '../test/lab/run';
import { REPO_ROOT } from '../test/lab/router';
import { SITE } from '../test/lab/topology';

interface Counts {
  sshConnections: number;
  sshExecs: number;
  apiConnections: number;
  apiCommands: number;
  apiRoundTrips: number;
  waitsMs: number;
  fsCliCalls: number;
}
interface Phase {
  ms: number;
  counts: Counts;
}

export interface SiteBench {
  runs: number;
  bare: { sshLoginMs: number; sshTrueMs: number; fsCliMs: number; apiLoginMs: number; apiPrintMs: number };
  phases: Record<
    string,
    {
      medianMs: number;
      minMs: number;
      counts: Counts;
      ratioToSshTrue: number;
      ratioToApiPrint: number;
      /** The phase less its fs_cli questions at the lab stand-in's bare price: the part that is not the stand-in. */
      withoutStandInMs: number;
    }
  >;
  /** FreeSWITCH's own refusal waits inside apply (median), already taken out of apply's figure. */
  applyFreeswitchWaitsMs: number;
  goals: Record<
    string,
    { goalMs: number; medianMs: number; met: boolean; missedByMs: number; fsCliCalls: number; withoutStandInMs: number }
  >;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.floor(s.length / 2)] ?? NaN) * 10) / 10;
};

export async function benchSite(runs = 3): Promise<SiteBench | { skipped: string }> {
  if (process.getuid?.() !== 0) return { skipped: 'needs root for the lab namespaces' };
  const lab = await startLab();
  try {
    if (!lab.router) return { skipped: 'no router simulator in this checkout' };
    const router = {
      host: SITE.router.lan,
      port: lab.router.apiSslPort,
      username: lab.router.user,
      password: lab.router.password,
      fingerprint: lab.router.fingerprint,
    };
    const pbx = {
      host: SITE.pbx,
      port: 22,
      username: 'root',
      auth: { kind: 'password', password: lab.ssh.rootPassword },
      hostKey: lab.hostKeys.pbx,
    };
    const site = {
      router,
      pbx,
      trunks: [{ name: 'Carrier', address: SITE.trunk }],
      phones: [{ name: 'Home office', address: SITE.phone }],
      options: { revertMinutes: 5 },
    };
    const run = await runProgram(
      nsenterArgv(lab.hosts.tech!, [process.execPath, '--import', 'tsx', 'bench/helpers/site-timing.ts'], REPO_ROOT),
      {
        input: JSON.stringify({ access: { router, pbx }, site, runs, settleMs: 10_500, fsCliLog: lab.pbx.fsCliLog }),
        timeoutMs: 600_000,
      },
    );
    const line = run.stdout.split('\n').find((l) => l.startsWith('{'));
    if (!line) throw new Error(`site bench printed nothing: ${run.stderr}`);
    const raw = JSON.parse(line) as Record<string, Phase[]>;
    const med = (key: string) => median((raw[key] ?? []).map((p) => p.ms));
    const bare = {
      sshLoginMs: med('sshLogin'),
      sshTrueMs: med('sshTrue'),
      // One fs_cli question as a batch pays it (site-timing's perCallMs): in the lab, the stand-in's price.
      fsCliMs: med('fsCli'),
      apiLoginMs: med('apiLogin'),
      apiPrintMs: med('apiPrint'),
    };
    const waits = median((raw.apply ?? []).map((p) => p.counts.waitsMs));
    const phases: SiteBench['phases'] = {};
    for (const key of ['pbxRead', 'routerRead', 'plan', 'apply', 'verify', 'rollback']) {
      const list = raw[key] ?? [];
      // Apply without FreeSWITCH's own refusal waits: those are the PBX's, not the wizard's.
      const ms = list.map((p) => p.ms - (key === 'apply' ? p.counts.waitsMs : 0));
      const m = median(ms);
      phases[key] = {
        medianMs: m,
        minMs: Math.round(Math.min(...ms) * 10) / 10,
        counts: list[0]?.counts ?? ({} as Counts),
        ratioToSshTrue: Math.round((m / bare.sshTrueMs) * 10) / 10,
        ratioToApiPrint: Math.round((m / bare.apiPrintMs) * 10) / 10,
        withoutStandInMs: Math.round((m - (list[0]?.counts.fsCliCalls ?? 0) * bare.fsCliMs) * 10) / 10,
      };
    }
    // Met or missed as measured; beside it, by how much, and the phase without the stand-in's share.
    const goal = (key: string, goalMs: number) => ({
      goalMs,
      medianMs: phases[key]!.medianMs,
      met: phases[key]!.medianMs <= goalMs,
      missedByMs: Math.max(0, Math.round((phases[key]!.medianMs - goalMs) * 10) / 10),
      fsCliCalls: phases[key]!.counts.fsCliCalls,
      withoutStandInMs: phases[key]!.withoutStandInMs,
    });
    return {
      runs,
      bare,
      phases,
      applyFreeswitchWaitsMs: waits,
      // Issue 22's goals (issue 16's PBX read goal kept beside them).
      goals: {
        plan: goal('plan', 1000),
        apply: goal('apply', 3000),
        verify: goal('verify', 1500),
        pbxRead: goal('pbxRead', 400),
      },
    };
  } finally {
    await lab.stop();
  }
}

// `npm run bench:site` (alone, a few minutes): prints the figures and keeps them in bench/results/site.json.
if (require.main === module) {
  benchSite(Number(process.argv[2] ?? 3)).then(
    (r) => {
      const report = {
        date: new Date().toISOString(),
        machine: { node: process.version, cpus: cpus().length },
        site: r,
      };
      writeFileSync(join(__dirname, 'results', 'site.json'), `${JSON.stringify(report, null, 2)}\n`);
      console.log(JSON.stringify(r, null, 2));
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
