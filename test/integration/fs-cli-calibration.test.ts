/**
 * The fs_cli stand-in (test/lab/pbx/fs_cli.py) calibrated against a real FreeSWITCH: each file of
 * test/lab/pbx/fixtures/real-freeswitch/ holds what FreeSWITCH 1.10.12 answered, step by step, in a
 * namespace with the lab's addresses (its `source` and `setup` say which build and how it ran). The
 * same steps are replayed here against the stand-in on the lab's PBX, and every answer must be the
 * same once ids, times, uptimes and the wording of XML parse errors are set aside (normalize below).
 * The files run in order on one lab, as they were recorded in one FreeSWITCH run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startLab, type Lab } from '../lab/lab';
import { SITE } from '../lab/topology';
import { addCarrierTrunk, carrierRegisters } from './helpers/carrier-trunk';

const FIXTURES = join(__dirname, '..', 'lab', 'pbx', 'fixtures', 'real-freeswitch');
const VARS_XML = '/etc/freeswitch/vars.xml';
const HOSTS = '/etc/hosts';
/** FS PBX's cached sofia.conf (file cache, switchname pbx): dropped after a vars.xml change, as the wizard does. */
const SOFIA_CACHE = '/var/cache/fusionpbx/configuration.sofia.conf.pbx';
/** The ports a profile of the recording could listen on (SIP, TLS, WS, WSS). */
const SIP_PORTS = [5060, 5061, 5066, 5080, 5081, 7443];

const register = z.object({
  status: z.number(),
  contact: z.string(),
  expires: z.string(),
  from: z.string(),
});
const step = z.discriminatedUnion('do', [
  z.object({
    do: z.literal('fs_cli'),
    command: z.string(),
    argv: z.array(z.string()),
    output: z.string(),
    replay: z.boolean().optional(),
    volatile: z.array(z.enum(['State', 'Status', 'gateway-state'])).optional(),
    why: z.string().optional(),
  }),
  z.object({ do: z.literal('set-var'), name: z.string().regex(/^[a-z_]+$/), value: z.string() }),
  // The PBX's /etc/hosts gives (or, with null, no longer gives) the name an address: what FreeSWITCH's
  // getaddrinfo finds, as the recording did with the namespace's hosts file.
  z.object({
    do: z.literal('set-host'),
    name: z.string().regex(/^[a-z0-9.-]+$/),
    address: z
      .string()
      .regex(/^\d+\.\d+\.\d+\.\d+$/)
      .nullable(),
  }),
  z.object({ do: z.literal('break-vars'), line: z.string() }),
  // A file recorded in a FreeSWITCH run of its own starts from vars.xml as the lab seeds it (the
  // recording's starting point), not from what the files before it left there.
  z.object({ do: z.literal('seed-vars') }),
  z.object({ do: z.literal('fix-vars') }),
  z.object({ do: z.literal('comment-var'), name: z.string().regex(/^[a-z_]+$/), value: z.string() }),
  z.object({ do: z.literal('sleep'), seconds: z.number().min(0).max(30) }),
  z.object({ do: z.literal('wait-registered'), gateway: z.string() }),
  z.object({ do: z.literal('wait-profile'), profile: z.string() }),
  z.object({ do: z.literal('registrar-log'), registers: z.array(register) }),
  z.object({ do: z.literal('ss'), argv: z.array(z.string()), output: z.string() }),
  z.object({
    do: z.literal('sip-options'),
    from: z.enum(['lan', 'provider']),
    port: z.number().int(),
    output: z.string(),
    replay: z.boolean().optional(),
    why: z.string().optional(),
  }),
]);
const fixture = z.object({
  source: z.object({ version: z.string(), versionCommand: z.string(), freeswitch: z.string() }),
  setup: z.string(),
  scenario: z.string(),
  about: z.string(),
  steps: z.array(step),
});
type Step = z.infer<typeof step>;

const fixtures = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => ({ name, ...fixture.parse(JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'))) }));

/** Sorts each run of consecutive items matching `isItem`: FreeSWITCH lists gateways in load order. */
function sortRuns(items: string[], isItem: (item: string) => boolean): string[] {
  const out: string[] = [];
  let run: string[] = [];
  for (const item of [...items, '']) {
    if (item !== '' && isItem(item)) {
      run.push(item);
      continue;
    }
    out.push(...run.sort());
    run = [];
    out.push(item);
  }
  return out.slice(0, -1);
}

/**
 * What must agree: everything but uptimes, waits, the line and wording of an XML parse error
 * (the stand-in parses with Python, FreeSWITCH with its own ezxml), and the order of gateways in
 * a list; plus, where the recording says so, a gateway's registration state caught mid-way.
 */
function normalize(text: string, volatile: readonly string[] = []): string {
  let out = text
    .replace(/^(Uptime\s*\t)\d+s$/gm, '$1<n>s')
    .replace(/Please wait \d+ seconds?/g, 'Please wait <n> seconds')
    .replace(/\[error near line \d+\]: [^\]\n]*\]/g, '[error near line <n>]: <parse error>]')
    .replace(/\(retry: \d+s\)/g, '(retry: <n>s)');
  for (const label of volatile) {
    if (label === 'gateway-state') {
      out = out
        .replace(/^(\S+::\S+\tgateway\t\s*\S+\t)\S+$/gm, '$1<state>')
        .replace(/(<type>gateway<\/type>\n<data>[^<]*<\/data>\n<state>)[^<]*/g, '$1<state>');
    } else {
      out = out.replace(new RegExp(`^(${label}\\s*\\t).*$`, 'gm'), '$1<volatile>');
    }
  }
  // `sofia status` / `sofia status gateway` rows, and xmlstatus <gateway> blocks.
  const lines = sortRuns(out.split('\n'), (l) => /^\s*\S+::\S+\t/.test(l));
  const blocks = sortRuns(lines.join('\n').split(/(?=<gateway>\n)|(?<=<\/gateway>\n\n)/), (b) =>
    b.startsWith('<gateway>\n'),
  );
  return blocks.join('');
}

/** The SIP-side ports `ss -ltnH` shows listening. */
function listeningSipPorts(ssOutput: string): number[] {
  const ports = ssOutput
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[3] ?? '')
    .map((local) => Number(local.slice(local.lastIndexOf(':') + 1)))
    .filter((p) => SIP_PORTS.includes(p));
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** Every REGISTER the carrier answered, in order: its answer, Expires, Contact and source address. */
function registers(log: readonly z.infer<typeof register>[]): string[] {
  return log.map((r) => `${r.status} Expires ${r.expires} ${r.contact} from ${r.from}`);
}

/**
 * What a SIP answer must share with FreeSWITCH's: the status line and the Allow, Supported and Accept
 * headers. Left out, as the lab's SIP responder (pbx/sip_responder.py) does not copy them: FreeSWITCH's
 * `User-Agent: <user-agent-string>` (the responder says `Server:`), Allow-Events, the Contact (on
 * 5080 a gateway's), and `received=` only when the Via host differs from the source.
 */
function sipAnswer(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findLastIndex((l) => /^SIP\/2\.0 \d{3} /.test(l));
  if (start < 0) return ['no answer'];
  const head = lines.slice(start, lines.indexOf('', start) < 0 ? undefined : lines.indexOf('', start));
  return [head[0]!, ...head.filter((l) => /^(Allow|Supported|Accept):/i.test(l)).sort()];
}

const isRoot = process.getuid?.() === 0;
let lab: Lab;

async function fsCli(command: string): Promise<string> {
  const result = await lab.exec('pbx', ['fs_cli', '-x', command]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

async function editVarsXml(edit: (text: string) => string): Promise<void> {
  const text = (await lab.exec('pbx', ['cat', VARS_XML])).stdout;
  const written = await lab.exec('pbx', ['tee', VARS_XML], { input: edit(text) });
  expect(written.code, written.stderr).toBe(0);
  await lab.exec('pbx', ['rm', '-f', SOFIA_CACHE]);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 40; i += 1) {
    if (await done()) return;
    await sleep(250);
  }
  throw new Error(`${what}: not within 10 s`);
}

/** vars.xml as the lab seeded it, before any file ran (for `seed-vars`). */
let seededVars = '';

/** The line a `break-vars` step appended to vars.xml, for `fix-vars` to take out again. */
let brokenLine: string | undefined;

async function replay(s: Step): Promise<void> {
  switch (s.do) {
    case 'fs_cli': {
      const answer = await fsCli(s.command);
      if (s.replay === false) return;
      expect.soft(normalize(answer, s.volatile), `fs_cli -x '${s.command}'`).toBe(normalize(s.output, s.volatile));
      return;
    }
    case 'set-var':
      return editVarsXml((text) => {
        const line = new RegExp(`data="${s.name}=[^"]*"`);
        expect(text).toMatch(line);
        return text.replace(line, () => `data="${s.name}=${s.value}"`);
      });
    case 'set-host': {
      const hosts = (await lab.exec('pbx', ['cat', HOSTS])).stdout;
      const others = hosts.split('\n').filter((l) => l !== '' && l.split(/\s+/)[1] !== s.name);
      const lines = [...others, ...(s.address ? [`${s.address}\t${s.name}`] : [])];
      const written = await lab.exec('pbx', ['tee', HOSTS], { input: `${lines.join('\n')}\n` });
      expect(written.code, written.stderr).toBe(0);
      return;
    }
    case 'seed-vars':
      return editVarsXml(() => seededVars);
    case 'break-vars':
      brokenLine = s.line;
      return editVarsXml((text) => `${text}${s.line}\n`);
    case 'fix-vars':
      return editVarsXml((text) =>
        text
          .split('\n')
          .filter((l) => l !== brokenLine)
          .join('\n'),
      );
    case 'comment-var':
      // A set line inside an ordinary comment, before </include>: FreeSWITCH still runs it (switch_xml.c:1525).
      return editVarsXml((text) =>
        text.replace(
          '</include>',
          () => `\t<!-- <X-PRE-PROCESS cmd="set" data="${s.name}=${s.value}" /> -->\n</include>`,
        ),
      );
    case 'sleep':
      return sleep(s.seconds * 1000);
    case 'wait-registered':
      return waitFor(`gateway ${s.gateway} REGED`, async () =>
        /^State\s+REGED$/m.test(await fsCli(`sofia status gateway ${s.gateway}`)),
      );
    case 'wait-profile':
      return waitFor(`profile ${s.profile} running`, async () =>
        new RegExp(`^\\s*${s.profile}\\tprofile\\t`, 'm').test(await fsCli('sofia status')),
      );
    case 'registrar-log':
      expect(registers(await carrierRegisters(lab)), 'REGISTERs the carrier answered').toEqual(registers(s.registers));
      return;
    case 'sip-options': {
      if (s.replay === false) return;
      // From tech (LAN, not a provider), as the recording asked from the router's LAN address.
      const probe = await lab.exec('tech', ['sipsak', '-vv', '-s', `sip:ping@${SITE.pbx}:${s.port}`], {
        timeoutMs: 10_000,
      });
      expect(sipAnswer(probe.stdout), `OPTIONS to ${s.port}`).toEqual(sipAnswer(s.output));
      return;
    }
    case 'ss': {
      // The lab's TLS/WS listener follows the stand-in's state every 0.25 s (tls_listener.py POLL_SECONDS):
      // up to 2 s for it to catch up with a profile that has just (re)started.
      const want = listeningSipPorts(s.output);
      let got: number[] = [];
      for (let i = 0; i < 8; i += 1) {
        got = listeningSipPorts((await lab.exec('pbx', s.argv)).stdout);
        if (JSON.stringify(got) === JSON.stringify(want)) break;
        await sleep(250);
      }
      expect(got, 'ss -ltnH').toEqual(want);
      return;
    }
  }
}

beforeAll(async () => {
  if (!isRoot) return;
  lab = await startLab();
  seededVars = (await lab.exec('pbx', ['cat', VARS_XML])).stdout;
  await addCarrierTrunk(lab);
  // The recording ran the IPv4 profiles only: the IPv6 twins are stopped (after FreeSWITCH's 10 s).
  for (const profile of ['internal-ipv6', 'external-ipv6']) {
    for (let i = 0; i < 15 && /must be up for at least/.test(await fsCli(`sofia profile ${profile} stop`)); i += 1) {
      await sleep(1000);
    }
  }
});

afterAll(async () => {
  await lab?.stop();
});

describe('normalize (how far a recorded answer may differ)', () => {
  it('keeps addresses, states and wording; sets aside uptimes, waits, parse-error wording and gateway order', () => {
    expect(normalize('Uptime  \t12s\nState   \tREGED\n')).toBe('Uptime  \t<n>s\nState   \tREGED\n');
    expect(normalize('Contact \t<sip:gw+a@192.168.88.10:5080>\n')).not.toBe(
      normalize('Contact \t<sip:gw+a@203.0.113.2:5080>\n'),
    );
    expect(normalize('+OK [[error near line 165]: unexpected closing tag </document>]\n')).toBe(
      normalize('+OK [[error near line 3]: mismatched tag]\n'),
    );
    expect(normalize('+OK [Success]\n')).not.toBe(normalize('+OK [[error near line 3]: mismatched tag]\n'));
    const a = 'x\nexternal::b\tgateway\t  sip:u@h\tNOREG\nexternal::a\tgateway\t  sip:u@h\tREGED\ny\n';
    const b = 'x\nexternal::a\tgateway\t  sip:u@h\tREGED\nexternal::b\tgateway\t  sip:u@h\tNOREG\ny\n';
    expect(normalize(a)).toBe(normalize(b));
    expect(normalize(a)).not.toBe(normalize(b.replace('REGED', 'UNREGED')));
    expect(normalize(a, ['gateway-state'])).toBe(normalize(b.replace('REGED', 'UNREGED'), ['gateway-state']));
  });

  it('reads listening SIP ports from ss', () => {
    const ss = 'LISTEN 0      5          127.0.0.1:8021 0.0.0.0:*\nLISTEN 0      64     192.168.88.10:5061 0.0.0.0:*\n';
    expect(listeningSipPorts(ss)).toEqual([5061]);
  });
});

describe.skipIf(!isRoot)('fs_cli stand-in against the real FreeSWITCH recordings (needs root for the lab)', () => {
  it('replays recordings of one FreeSWITCH version', () => {
    expect(fixtures.length).toBeGreaterThan(0);
    expect(new Set(fixtures.map((f) => f.source.version)).size).toBe(1);
  });

  for (const f of fixtures) {
    it(`${f.name}: ${f.about}`, async () => {
      for (const s of f.steps) await replay(s);
    });
  }
});
