// `npm run mutate [-- <stryker options>]`: Stryker on the safety-critical modules (stryker.config.mjs),
// then the score per file from its JSON report, printed and written to bench/results/mutation.json
// (the committed summary: date, command, counts and each surviving mutant's place). Score as
// Stryker counts it: (killed + timed out) / (killed + timed out + survived + no coverage).
// `--summary-only` rewrites the summary from the last report without running Stryker; `--out <file>`
// writes it elsewhere.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The project being mutated: npm runs scripts from its root.
const root = process.cwd();
const args = process.argv.slice(2);
const summaryOnly = args.includes('--summary-only');
const strykerArgs = args.filter((a) => a !== '--summary-only');
const outAt = strykerArgs.indexOf('--out');
const out = outAt === -1 ? join(root, 'bench/results/mutation.json') : strykerArgs.splice(outAt, 2)[1];
const command = ['npm run mutate', ...(strykerArgs.length ? ['--', ...strykerArgs] : [])].join(' ');

if (!summaryOnly) {
  const run = spawnSync(join(root, 'node_modules/.bin/stryker'), ['run', ...strykerArgs], {
    cwd: root,
    stdio: 'inherit',
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
// The same per-run suffix as stryker.config.mjs (`STRYKER_RUN=<name>`: runs side by side).
const run = process.env.STRYKER_RUN ? `-${process.env.STRYKER_RUN.replace(/[^\w-]/g, '')}` : '';
const report = JSON.parse(readFileSync(join(root, `reports/mutation/mutation${run}.json`), 'utf8'));

// Stryker's report also carries the files it did not mutate this time (their results reused from the
// incremental file, measured on older tests): with `--mutate`, only the files it names get a new row.
const mutateAt = strykerArgs.indexOf('--mutate');
const named = mutateAt === -1 ? undefined : strykerArgs[mutateAt + 1].split(',').map(globPattern);
function globPattern(glob) {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?|\*/g, (m) => (m === '*' ? '[^/]*' : '.*'));
  return new RegExp(`^${body}$`);
}

const files = {};
for (const [path, file] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  if (named && !named.some((re) => re.test(path))) continue;
  const count = { killed: 0, timeout: 0, survived: 0, noCoverage: 0 };
  const survivors = [];
  // Left out of the score, but said: `--ignoreStatic` skips module-level mutants (schema tables).
  const ignored = file.mutants.filter((m) => m.status === 'Ignored').length;
  for (const m of file.mutants) {
    const key = { Killed: 'killed', Timeout: 'timeout', Survived: 'survived', NoCoverage: 'noCoverage' }[m.status];
    if (!key) continue;
    count[key] += 1;
    if (key === 'survived' || key === 'noCoverage') {
      survivors.push(
        `${m.location.start.line}:${m.location.start.column} ${m.mutatorName} ${m.replacement ?? ''}`.trim(),
      );
    }
  }
  files[path] = { score: score(count), ...count, ...(ignored > 0 ? { ignored } : {}), survivors };
}

function score(c) {
  const detected = c.killed + c.timeout;
  const all = detected + c.survived + c.noCoverage;
  return all === 0 ? null : Math.round((detected / all) * 1000) / 10;
}

// A run on some modules (`-- --mutate <file>`) updates their rows and keeps the others'.
let previous = {};
try {
  previous = JSON.parse(readFileSync(out, 'utf8')).files ?? {};
} catch {
  // No summary yet.
}
const date = new Date().toISOString();
for (const f of Object.values(files)) Object.assign(f, { date, command });
const merged = Object.fromEntries(Object.entries({ ...previous, ...files }).sort(([a], [b]) => a.localeCompare(b)));
// Files moved since their row was measured (pbx/ in rooms, site/checks.ts split by group): the row keeps
// the path it was measured under and names where the code lives now, until a run measures it there.
const MOVED = {
  'electron/pbx/vars-xml.ts': 'electron/pbx/plan/vars-xml.ts',
  'electron/site/checks.ts': 'electron/site/checks/*.ts',
};
for (const [old, now] of Object.entries(MOVED)) {
  if (!merged[old]) continue;
  const pattern = globPattern(now);
  if (Object.keys(merged).some((path) => pattern.test(path))) delete merged[old];
  else merged[old].now = now;
}
const sum = { killed: 0, timeout: 0, survived: 0, noCoverage: 0 };
for (const f of Object.values(merged)) for (const k of Object.keys(sum)) sum[k] += f[k];
const summary = { total: { score: score(sum), ...sum }, files: merged };
for (const [path, f] of Object.entries(merged)) {
  console.log(
    `${String(f.score ?? '-').padStart(5)} %  ${path}  (killed ${f.killed + f.timeout}, survived ${f.survived}, no coverage ${f.noCoverage})`,
  );
}
console.log(`${String(summary.total.score).padStart(5)} %  all`);
writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
console.log(`written: ${out}`);
