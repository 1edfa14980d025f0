/** `npm run bench`: runs every benchmark, prints a table and writes bench/results/latest.json. */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { benchCliStart } from './cli-start.bench';
import { benchDiscovery } from './discovery.bench';
import { benchMndpFirst } from './mndp-first.bench';
import { benchPbxEngine } from './pbx-engine.bench';
import { benchRouterApply } from './router-apply.bench';
import { benchSite } from './site.bench';
import { benchStoreAndBundle, type BenchResult } from './store-and-bundle.bench';

async function main(): Promise<void> {
  const results: BenchResult[] = [...(await benchStoreAndBundle())];
  const discovery = await benchDiscovery();
  const mndpFirst = await benchMndpFirst();
  const routerApply = await benchRouterApply();
  const pbxEngine =
    process.getuid?.() === 0 ? await benchPbxEngine() : { skipped: 'needs root for the lab namespaces' };
  const site = await benchSite();
  const cliStart = benchCliStart();

  const report = {
    date: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' },
    results,
    discovery,
    mndpFirst,
    routerApply,
    pbxEngine,
    site,
    cliStart,
  };
  writeFileSync(join(__dirname, 'results', 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  for (const r of results) {
    console.log(
      `${r.name}\n  ours ${r.ours.median} ms (p90 ${r.ours.p90})  peer [${r.peer.name}] ${r.peer.median} ms  ratio ${r.ratio}` +
        (r.target ? `  target ${r.target}: ${r.met ? 'met' : 'MISSED'}` : ''),
    );
  }
  console.log(`discovery (lab, tech host): ${JSON.stringify(discovery, null, 2)}`);
  console.log(`first MikroTik vs MAC-Telnet's mndp: ${JSON.stringify(mndpFirst, null, 2)}`);
  console.log(`router apply vs Ansible api_modify: ${JSON.stringify(routerApply, null, 2)}`);
  console.log(`PBX engine: ${JSON.stringify(pbxEngine, null, 2)}`);
  console.log(`site phases vs bare round trips: ${JSON.stringify(site, null, 2)}`);
  console.log(`CLI cold start: ${JSON.stringify(cliStart, null, 2)}`);
  console.log('written: bench/results/latest.json');
}

void main();
