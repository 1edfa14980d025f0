/**
 * `/interface/bridge add` also makes the bridge an interface: it appears in `/interface` with
 * type `bridge` (https://help.mikrotik.com/docs/spaces/ROS/pages/328068/Bridging+and+Switching,
 * "Bridge Interface Setup": "/interface bridge add name=bridge1" then the bridge is used as an
 * interface). In the lab the namespace's real bridge is made by the test, as for ether1 and
 * the LAN bridge: the simulator only mirrors it.
 */
import type { RouterModel } from './router';

export function followBridges(model: RouterModel): void {
  const made = new Set<string>();
  model.onChange((path) => {
    if (path !== '/interface/bridge') return;
    const bridges = new Set(model.items('/interface/bridge').map((b) => b.fields.name ?? ''));
    for (const name of bridges) {
      if (made.has(name) || model.items('/interface').some((r) => r.fields.name === name)) continue;
      made.add(name);
      model.addFixedRow('/interface', { name, type: 'bridge', mtu: 'auto', l2mtu: '1514', disabled: 'false' });
    }
    // Only bridges added here leave with their /interface/bridge row.
    const gone = [...made].filter((name) => !bridges.has(name));
    for (const name of gone) made.delete(name);
    if (gone.length > 0) model.removeFixedRows('/interface', (f) => gone.includes(f.name ?? ''));
  });
}
