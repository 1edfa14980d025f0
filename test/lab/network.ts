/** Builds a Topology out of namespaces, veth pairs and bridges; tears it down again. */
import { addVeth, createHost, destroyNetns, ipBatch, setSysctl, type NsHost } from './netns';
import { ipLinesFor, type HostName, type Topology } from './topology';

export type HostMap = Record<HostName, NsHost>;

export async function buildNetwork(runId: string, topology: Topology, created: NsHost[]): Promise<HostMap> {
  const hosts = {} as HostMap;
  // Hosts come up in parallel; `created` is filled as they appear so a failure can still tear down.
  await Promise.all(
    topology.hosts.map(async (name) => {
      const host = await createHost(runId, name);
      created.push(host);
      hosts[name] = host;
    }),
  );
  for (const cable of topology.cables) {
    await addVeth(hosts[cable.a.host], cable.a.ifname, hosts[cable.b.host], cable.b.ifname);
  }
  await Promise.all(topology.hosts.map((name) => ipBatch(hosts[name].netns, ipLinesFor(topology, name))));
  for (const name of topology.forwarding) await setSysctl(hosts[name], 'net.ipv4.ip_forward', '1');
  return hosts;
}

export async function destroyHosts(hosts: readonly NsHost[]): Promise<void> {
  await Promise.all(hosts.map((host) => destroyNetns(host.netns)));
}
