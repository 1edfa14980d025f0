/**
 * PPPoE clients (`/interface/pppoe-client`): each is an interface of its own (type pppoe-out,
 * named pppoe-out1… when not named), and while enabled it is connected to the provider, who
 * hands it an address and, with add-default-route, the default route
 * (https://help.mikrotik.com/docs/spaces/ROS/pages/2031625/PPPoE, "PPPoE Client": "add-default-route
 * … Enable/Disable whether to add default IPv4 route", the dynamic address and route flagged D).
 * The provider here always answers at once with `provider.address`/32 and peer
 * `provider.remote`. The namespace's traffic still enters on the lab's real WAN port: only what
 * the router prints changes.
 */
import type { RouterModel } from './router';

const CLIENTS = '/interface/pppoe-client';

export interface PppoeProvider {
  address: string;
  remote: string;
}

export function followPppoeClients(model: RouterModel, provider: PppoeProvider): void {
  const made = new Set<string>();
  let syncing = false;
  const sync = () => {
    if (syncing) return; // the rows added below change other menus, not this one
    syncing = true;
    try {
      const clients = model.items(CLIENTS);
      for (const client of clients) {
        if (client.fields.name === undefined) model.touch(CLIENTS, client.id, { name: `pppoe-out${client.id}` });
      }
      const names = new Set(clients.map((c) => c.fields.name ?? ''));
      for (const name of names) {
        if (made.has(name) || model.items('/interface').some((r) => r.fields.name === name)) continue;
        made.add(name);
        model.addFixedRow('/interface', { name, type: 'pppoe-out', mtu: '1480', disabled: 'false' });
      }
      const up = new Map(
        clients.filter((c) => c.fields.disabled !== 'true').map((c) => [c.fields.name ?? '', c.fields]),
      );
      // Whatever a client that is down (or gone) held goes with it.
      const held = (f: Readonly<Record<string, string>>) =>
        (f.interface ?? f.gateway ?? '') !== '' && made.has(f.interface ?? f.gateway ?? '');
      model.removeDynamic('/ip/address', (f) => held(f) && !up.has(f.interface ?? ''));
      model.removeDynamic('/ip/route', (f) => held(f) && !up.has(f.gateway ?? ''));
      for (const [name, fields] of up) {
        if (!model.items('/ip/address').some((a) => a.fields.dynamic === 'true' && a.fields.interface === name))
          model.addDynamic('/ip/address', {
            address: `${provider.address}/32`,
            network: provider.remote,
            interface: name,
            disabled: 'false',
          });
        const route = model.items('/ip/route').some((r) => r.fields.dynamic === 'true' && r.fields.gateway === name);
        if (fields['add-default-route'] === 'true' && !route)
          model.addDynamic('/ip/route', {
            'dst-address': '0.0.0.0/0',
            gateway: name,
            distance: fields['default-route-distance'] ?? '1',
            'routing-table': 'main',
            disabled: 'false',
          });
      }
      const gone = [...made].filter((name) => !names.has(name));
      for (const name of gone) made.delete(name);
      if (gone.length > 0) model.removeFixedRows('/interface', (f) => gone.includes(f.name ?? ''));
    } finally {
      syncing = false;
    }
  };
  model.onChange((path) => {
    if (path === CLIENTS) sync();
  });
}
