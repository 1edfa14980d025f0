/**
 * What report.html's network picture shows, taken from a run as it was stored: the trunks and
 * phones the technician allowed, the router's WAN and LAN, the PBX, and one arrow per forward the
 * plan adds, from the visit record (store/visit.ts) as it was read. Pure.
 */
import type { Plan } from '../../contract/types';
import type { DiagramInput } from '../bundle/diagram';
import { ADDRESS_LISTS } from '../routeros/inputs';
import { MENUS } from '../routeros/menus';
import type { SiteRun } from '../store';

const FROM_LIST: Record<string, 'trunks' | 'phones'> = {
  [ADDRESS_LISTS.trunks]: 'trunks',
  [ADDRESS_LISTS.phones]: 'phones',
};

function forwardsOf(plan: Plan): DiagramInput['forwards'] {
  const seen = new Set<string>();
  const out: DiagramInput['forwards'] = [];
  for (const change of plan.changes) {
    const after = change.after;
    if (change.path !== MENUS.nat || change.action !== 'add' || after?.action !== 'dst-nat') continue;
    const label = `${after.protocol ?? 'any'} ${after['dst-port'] ?? ''}`.trim();
    const from = FROM_LIST[after['src-address-list'] ?? ''] ?? 'any';
    const key = `${label}|${from}`;
    if (seen.has(key)) continue; // a hairpin twin forwards the same port from inside
    seen.add(key);
    out.push({ label, from });
  }
  return out;
}

export function siteDiagram(
  run: Pick<SiteRun, 'inputs' | 'plan' | 'facts'>,
  site: { name: string; routerIdentity?: string },
): DiagramInput {
  const facts = run.plan.facts;
  const router: DiagramInput['router'] = { label: site.routerIdentity ?? site.name };
  const wan = run.facts?.publicIp ?? facts['router.wanAddress'] ?? facts['router.publicAddress'];
  if (wan) router.wan = wan;
  if (facts['router.lan']) router.lan = facts['router.lan'];
  return {
    trunks: run.inputs.trunks,
    phones: run.inputs.phones,
    router,
    pbx: { label: 'FS PBX', address: facts['pbx.address'] ?? run.inputs.pbx.host },
    forwards: forwardsOf(run.plan),
  };
}
