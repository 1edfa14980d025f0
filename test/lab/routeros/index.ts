/**
 * The MikroTik/RouterOS 7 simulator: API on 8728, API-SSL on 8729, the
 * defconf configuration with strict validation, optional nftables enforcement
 * inside the router namespace, scripts and scheduler, MNDP, fault injection.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, type SecureContext, TLSSocket } from 'node:tls';
import { ensureCertificate, signSelf } from './cert';
import { localDateTime, type SimClock } from './model/clock';
import { type CommandServices, executeCommand, splitCommandWord } from './commands';
import { exportConfig } from './export';
import { buildMenuDefs } from './model/menus';
import { defconf, type SimUserSpec } from './model/defconf';
import { type Actor, NOT_ENOUGH_PERMISSIONS, type Op, RouterModel } from './model/router';
import { loadAnsibleSchema } from './schema/ansible';
import { formatIpv4, networkOf, parsePrefix } from './model/values';
import { ApiSession, type Faults } from './api/session';
import { ActiveUsers } from './model/active-users';
import { radiusLogin, type RadiusUser } from './model/radius';
import { createDeriver } from './runtime';
import { ScriptRunner } from './script/runner';
import { Scheduler } from './script/scheduler';
import { FirewallEnforcer } from './nft/enforcer';
import { ConntrackTable } from './nft/conntrack';
import { DhcpClients } from './model/dhcp-client';
import { followBridges } from './model/bridges';
import { followHotspots } from './model/hotspot';
import { followPppoeClients } from './model/pppoe';
import { followDnsNames, resolverAt } from './model/dns-names';
import { startMndpResponder, type MndpResponder } from './mndp/responder';
import { type RouterSsh, startRouterSsh } from './ssh';

export type { Faults } from './api/session';
export type { RouterModel } from './model/router';
export type { SshFaults } from './ssh';

export interface RouterSimOptions {
  bind: string;
  apiPort?: number;
  apiSslPort?: number;
  stateDir: string;
  version?: string;
  identity?: string;
  users?: SimUserSpec[];
  mndp?: { port?: number; announceTo?: string; intervalMs?: number } | false;
  nft?: boolean;
  wan?: { interface: string; address: string; gateway: string };
  lan?: { interface: string; address: string; ports: string[] };
  faults?: Faults;
  /**
   * What api-ssl presents. 'lab' (default): a certificate made for the lab, assigned as a technician
   * would have done. 'none': a stock router (`certificate=none`), which offers anonymous DH only.
   */
  apiSslCertificate?: 'lab' | 'none';
  /**
   * The SSH service (ssh.ts), off unless asked for. `disabled`: `/ip service ssh disabled=yes`,
   * so nothing listens (the port reported is one that was free a moment ago).
   */
  ssh?: { port?: number; disabled?: boolean };
  /** `/certificate sign` answers at once and the key appears this much later (a small board); default: signed when it answers. */
  signLagMs?: number;
  /**
   * Fault: changing api-ssl's certificate ends the API-SSL sessions open at that moment, before the
   * `set` is answered. No public text says whether RouterOS does (issue 25.6 says it "may"); off by default.
   */
  apiSslChangeDropsSessions?: boolean;
  /** The router's time zone (IANA name, /system/clock time-zone-name); default UTC. */
  timeZone?: string;
  /** The router's clock is this far from this machine's (to put it just before midnight, a DST change...). */
  clockSkewMs?: number;
  /** A RouterBOARD (default: serial number, licence software id) or a CHR (neither; a licence system id). */
  hardware?: 'routerboard' | 'chr';
  /** Accounts a RADIUS server vouches for (model/radius.ts): no /user row, their group from the server. */
  radiusUsers?: RadiusUser[];
  /** `/ip dns` servers: address-list entries given as names are resolved there (model/dns-names.ts); none = never resolved. */
  dnsServers?: string[];
}

export interface ApiConnection {
  service: 'api' | 'api-ssl';
  /** The suite the handshake agreed on (OpenSSL's name); absent when the handshake failed. */
  cipher?: string;
  /** The user a /login named (whether or not the password was right). */
  loginAs?: string;
}

export interface RouterSim {
  apiPort: number;
  apiSslPort: number;
  /** SHA-256 of the API-SSL certificate DER, lowercase hex. */
  fingerprint: string;
  /** The live configuration, for tests to read (and, with care, to inspect counters). */
  state: RouterModel;
  /** Replaces the fault settings for replies sent from now on. */
  setFaults(faults: Faults): void;
  /** Every API and API-SSL connection so far: which service, the TLS suite agreed, the user a /login named. */
  apiConnections: readonly ApiConnection[];
  /** The SSH service, when `ssh` was asked for: its port, host key fingerprint and the command lines it ran. */
  ssh?: Pick<RouterSsh, 'port' | 'hostKey' | 'commands' | 'setFaults'>;
  /**
   * What RouterOS's UPnP service does when a LAN client asks for a mapping: a
   * dynamic dst-nat rule from the WAN interface (UPnP "will still create nat
   * rules with bridge1 as the in-interface":
   * https://gist.github.com/fragtion/ffeebfbaa99ba1ba11c77eb190731352). Returns its `.id`.
   */
  upnpMapping(m: { protocol: 'udp' | 'tcp'; port: number; toAddress: string }): string;
  /** Waits until the firewall in the namespace reflects every change made so far. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Version strings compare numerically per dotted part (7.9 < 7.18). */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split(/[^\d]+/).map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < b.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

function lanBroadcast(cidr: string): string | undefined {
  const p = parsePrefix(cidr);
  if (!p) return undefined;
  const hostBits = p.length === 32 ? 0 : (2 ** (32 - p.length) - 1) >>> 0;
  return formatIpv4((networkOf(p.address, p.length) | hostBits) >>> 0);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The name the lab's own API-SSL certificate has in /certificate. */
export const LAB_CERTIFICATE = 'lab-api-ssl';

export async function startRouterSim(options: RouterSimOptions): Promise<RouterSim> {
  const version = options.version ?? '7.19.4';
  // The identity as typed over SSH (UTF-8), held as bytes like every value (api/codec.ts).
  const identity = Buffer.from(options.identity ?? 'MikroTik', 'utf8').toString('latin1');
  const wan = options.wan ?? { interface: 'ether1', address: '203.0.113.2/24', gateway: '203.0.113.1' };
  const lan = options.lan ?? { interface: 'bridge', address: '192.168.88.1/24', ports: ['ether2'] };
  const users = options.users ?? [{ name: 'admin', password: '', group: 'full' as const }];
  let faults: Faults = { ...(options.faults ?? {}) };
  const startedAt = Date.now();
  const clock: SimClock = {
    now: () => Date.now() + (options.clockSkewMs ?? 0),
    zone: options.timeZone ?? 'UTC',
    oldDates: !versionAtLeast(version, '7.10'),
  };

  const schema = await loadAnsibleSchema(join(tmpdir(), 'routeros-sim-schema'));
  const defs = buildMenuDefs(schema);
  const requestedApi = options.apiPort ?? 8728;
  const requestedSsl = options.apiSslPort ?? 8729;
  const initial = defconf({
    identity,
    wan,
    lan,
    users,
    apiPort: requestedApi || 8728,
    apiSslPort: requestedSsl || 8729,
  });
  const model = new RouterModel(defs, initial);
  const activeUsers = new ActiveUsers(model);
  // RouterOS 7 shows a dynamic "dummy" rule first in forward when fasttrack is on
  // (https://manual.mikrotik.com/docs/firewall-and-quality-of-service/firewall/common-firewall-matchers-and-actions.md:
  // "0 D ;;; special dummy rule to show fasttrack counters  forward passthrough").
  if (model.items('/ip/firewall/filter').some((i) => i.fields.action === 'fasttrack-connection')) {
    model.addDynamic('/ip/firewall/filter', {
      chain: 'forward',
      action: 'passthrough',
      comment: 'special dummy rule to show fasttrack counters',
    });
  }

  followBridges(model);
  followHotspots(model);
  // The provider a PPPoE client reaches hands out a documentation address (RFC 5737).
  followPppoeClients(model, { address: '203.0.113.77', remote: wan.gateway });
  const enforcer = options.nft ? new FirewallEnforcer(model) : undefined;
  const dnsServer = options.dnsServers?.[0];
  const stopDnsNames = dnsServer ? followDnsNames(model, resolverAt(dnsServer)) : undefined;
  // Inside the router namespace the connection table is the kernel's (nft/conntrack.ts).
  const conntrack = options.nft ? new ConntrackTable(model) : undefined;
  const dhcpClients = new DhcpClients(model, options.nft === true);
  model.setDeriver(
    createDeriver({ model, version, startedAt, wan, lan, counters: enforcer, clock, hardware: options.hardware }),
  );
  model.localNow = () => {
    const local = localDateTime({ ...clock, oldDates: false }, clock.now());
    return { date: local.date, time: local.time };
  };

  const signing = new Set<ReturnType<typeof setTimeout>>();
  /**
   * The fingerprint /certificate prints: SHA-256 on RouterOS 7 (terraform-routeros
   * resource_system_certificate.go:12-35), SHA-1 on 6 (wiki.mikrotik.com Manual:System/Certificates,
   * v6: "All certificate fingerprints are SHA1"). What a TLS client computes is unchanged.
   */
  const printedFingerprint = (c: { fingerprint: string; sha1: string }) =>
    versionAtLeast(version, '7') ? c.fingerprint : c.sha1;
  const services: CommandServices = {
    model,
    sendsEmpty: versionAtLeast(version, '7.18'),
    exportText: (path) =>
      exportConfig(model, initial, { version, model: 'RB5009UG+S+', serial: 'HE2SIM000001', now: new Date() }, path),
    runScript: (ref: string, actor: Actor): Promise<Op<void>> => scripts.runByRef(ref, actor),
    renewDhcp: (ref, actor) => dhcpClients.renew(ref, actor),
    signCertificate: async (ref: string, actor: Actor, ca?: string): Promise<Op<void>> => {
      if (!actor.policies.has('write')) return { ok: false, trap: { message: NOT_ENOUGH_PERMISSIONS } };
      const found = model.resolve('/certificate', ref);
      if (!found.ok) return found;
      // The lab signs self-signed certificates only; a wizard that named an issuer would be doing something new.
      if (ca !== undefined) return { ok: false, trap: { message: 'the simulator signs without ca= only' } };
      for (const item of found.value) {
        if (item.fields['private-key'] === 'true') continue; // already signed: nothing to make
        // A template that may not sign certificates cannot sign itself: RouterOS answers "failure: CA not
        // found" to `sign <leaf>` without ca= for key-usage=tls-server (a public CHR script's notes, 7.23.3;
        // vesslina/mikrotik-harness README.md: "server-only key usage and cannot self-sign"). The default
        // key-usage includes key-cert-sign (help.mikrotik.com Certificates, "key-usage … Default").
        const usage = (item.fields['key-usage'] ?? '').split(',');
        if (!usage.includes('key-cert-sign')) return { ok: false, trap: { message: 'failure: CA not found' } };
      }
      const signOne = async (item: (typeof found.value)[number]) => {
        const made = await signSelf(join(options.stateDir, 'certificates'), {
          commonName: item.fields['common-name'] ?? '',
          days: Number(item.fields['days-valid'] ?? 365),
          keySize: Number(item.fields['key-size'] ?? 2048),
          keyUsage: item.fields['key-usage'] ?? '',
        });
        keyPairs.set(item.fields.name ?? '', made);
        model.touch('/certificate', item.id, {
          fingerprint: printedFingerprint(made),
          'private-key': 'true',
          trusted: 'true',
          'invalid-before': made.notBefore,
          'invalid-after': made.notAfter,
          'serial-number': made.serial,
        });
      };
      for (const item of found.value) {
        if (item.fields['private-key'] === 'true') continue;
        if (options.signLagMs === undefined) {
          await signOne(item);
          continue;
        }
        // `sign` may answer before the key exists, and on a small board the RSA key takes up to a couple
        // of minutes: the project's RouterOS reference (docs/reference/routeros.md, from field reports;
        // no public MikroTik text says how `sign` answers) says to poll. The key and fingerprint appear later;
        // until then the fingerprint is empty, as a template's ("An unsigned certificate has an empty
        // `fingerprint` property", the same CHR script's notes).
        const timer = setTimeout(() => void signOne(item).catch(() => undefined), options.signLagMs);
        signing.add(timer);
      }
      return { ok: true, value: undefined };
    },
    refreshCounters: async (path) => {
      if (enforcer && (path === '/ip/firewall/filter' || path === '/ip/firewall/nat')) await enforcer.readCounters();
      if (path === '/ip/firewall/connection') await conntrack?.refresh();
    },
  };
  const scripts = new ScriptRunner(services);
  const scheduler = new Scheduler(model, scripts, startedAt + (options.clockSkewMs ?? 0), clock);

  if (enforcer) await enforcer.start();
  scheduler.start();

  const cert = await ensureCertificate(options.stateDir, identity);
  /** Key pairs of signed certificates, by certificate name (RouterOS keeps them in its store). */
  const keyPairs = new Map<string, { key: Buffer; cert: Buffer }>();
  if ((options.apiSslCertificate ?? 'lab') === 'lab') {
    const system: Actor = { name: 'system', policies: new Set(['read', 'write', 'sensitive', 'policy']) };
    const added = model.add(
      '/certificate',
      [
        ['name', LAB_CERTIFICATE],
        ['common-name', identity],
      ],
      system,
    );
    if (!added.ok) throw new Error(added.trap.message);
    keyPairs.set(LAB_CERTIFICATE, cert);
    model.touch('/certificate', parseInt(added.value.slice(1), 16), {
      fingerprint: printedFingerprint({
        fingerprint: cert.fingerprint,
        sha1: new X509Certificate(cert.cert).fingerprint.replace(/:/g, '').toLowerCase(),
      }),
      'private-key': 'true',
      trusted: 'true',
    });
    const assigned = model.set('/ip/service', 'api-ssl', [['certificate', LAB_CERTIFICATE]], system);
    if (!assigned.ok) throw new Error(assigned.trap.message);
  }
  /**
   * The context for a new API-SSL connection, from /ip/service api-ssl as it is now. With
   * `certificate=none` RouterOS offers only anonymous Diffie-Hellman suites (api.md "API over TLS":
   * "Without a certificate provided in the /ip service settings, the client must use an anonymous
   * Diffie-Hellman cipher"; community.routeros plugins/module_utils/api.py:71-73 `ADH:@SECLEVEL=0`).
   * ADH exists only up to TLS 1.2.
   */
  const contexts = new Map<string, SecureContext>();
  const apiSslContext = (): SecureContext => {
    const name = apiSslCertificate();
    const pair = keyPairs.get(name);
    // Keyed by the certificate itself: a certificate made again under the same name is a new context.
    const key = pair ? `cert:${name}:${createHash('sha256').update(pair.cert).digest('hex')}` : 'anonymous';
    let context = contexts.get(key);
    if (!context) {
      context = pair
        ? createSecureContext({ key: pair.key, cert: pair.cert })
        : createSecureContext({ ciphers: 'ADH:@SECLEVEL=0', maxVersion: 'TLSv1.2', dhparam: 'auto' });
      contexts.set(key, context);
    }
    return context;
  };
  const sockets = new Set<Socket>();
  const apiConnections: ApiConnection[] = [];
  /** The certificate api-ssl has now (the static row: 7.19+ also lists connections under its name). */
  const apiSslCertificate = () =>
    model.items('/ip/service').find((i) => i.fields.name === 'api-ssl' && i.fields.dynamic !== 'true')?.fields
      .certificate ?? 'none';
  const apiSslSockets = new Set<Socket>();
  /**
   * From 7.19 /ip/service also prints each live connection as a dynamic row under the service's name
   * (https://manual.mikrotik.com/docs/cli-reference/ip/service/: flags D dynamic, c connection,
   * read-only proto, local, remote; terraform-routeros/terraform-provider-routeros PR #897: "7.19
   * introduced 'dynamic' services & connections … `name` is no longer … unique"). Where RouterOS
   * lists them among the services is not documented: here they come first (as model.addDynamic puts
   * dynamic rows), so a client that takes the first row named api-ssl is caught.
   */
  const listsConnections = versionAtLeast(version, '7.19');
  const onConnection = (socket: Socket, seen: ApiConnection) => {
    sockets.add(socket);
    if (seen.service === 'api-ssl') apiSslSockets.add(socket);
    apiConnections.push(seen);
    socket.setNoDelay(true);
    const remote = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`;
    if (listsConnections) {
      model.addDynamic('/ip/service', {
        name: seen.service,
        connection: 'true',
        proto: 'tcp',
        local: socket.localAddress ?? '',
        remote,
        disabled: 'false',
      });
    }
    let session: string | undefined;
    new ApiSession(socket, {
      legacyLoginOnly: !versionAtLeast(version, '6.43'),
      checkPassword: (name, password) => {
        seen.loginAs = name;
        const user = model.items('/user').find((u) => u.fields.name === name);
        if (!user) return radiusLogin(model, options.radiusUsers ?? [], name, password);
        return user.fields.password === password ? model.actor(name) : undefined;
      },
      passwordOf: (name) => model.items('/user').find((u) => u.fields.name === name)?.fields.password,
      actor: (name) => model.actor(name),
      execute: async (req, actor) => {
        const { menu, verb } = splitCommandWord(req.command);
        const before = apiSslCertificate();
        const replies = await executeCommand(services, { menu, verb, params: req.params, queries: req.queries }, actor);
        if (options.apiSslChangeDropsSessions && apiSslCertificate() !== before) {
          for (const open of apiSslSockets) open.destroy();
        }
        // RouterOS answers once a firewall change is in force: the nftables render is waited for, so a
        // packet sent right after the answer meets the new rules (nft/enforcer.ts renders asynchronously).
        await enforcer?.settled();
        return replies;
      },
      faults: () => faults,
      onLogin: (actor) => {
        session = activeUsers.login(actor, socket.remoteAddress ?? '', 'api');
      },
      onClose: () => {
        activeUsers.logout(session);
        sockets.delete(socket);
        apiSslSockets.delete(socket);
        if (listsConnections) model.removeDynamic('/ip/service', (f) => f.connection === 'true' && f.remote === remote);
      },
    });
  };
  const tcp = createTcpServer((socket) => onConnection(socket, { service: 'api' }));
  const tls = createTcpServer((raw) => {
    const socket = new TLSSocket(raw, { isServer: true, secureContext: apiSslContext() });
    const seen: ApiConnection = { service: 'api-ssl' };
    socket.on('secure', () => {
      seen.cipher = socket.getCipher().name;
    });
    socket.on('error', () => socket.destroy()); // a refused handshake ends this connection only
    onConnection(socket, seen);
  });
  const apiPort = await listen(tcp, requestedApi, options.bind);
  const apiSslPort = await listen(tls, requestedSsl, options.bind);
  let ssh: RouterSsh | undefined;
  let sshShown: RouterSim['ssh'];
  if (options.ssh) {
    const system: Actor = { name: 'system', policies: new Set(['read', 'write', 'policy']) };
    if (options.ssh.disabled) {
      const off = model.set('/ip/service', 'ssh', [['disabled', 'true']], system);
      if (!off.ok) throw new Error(off.trap.message);
      const probe = createTcpServer();
      const free = await listen(probe, options.ssh.port ?? 0, options.bind);
      await closeServer(probe);
      sshShown = { port: free, hostKey: '', commands: [], setFaults: () => undefined };
    } else {
      ssh = await startRouterSsh({
        bind: options.bind,
        port: options.ssh.port ?? 22,
        login: (name, password) => {
          const user = model.items('/user').find((u) => u.fields.name === name);
          if (!user) return radiusLogin(model, options.radiusUsers ?? [], name, password);
          return user.fields.password === password ? model.actor(name) : undefined;
        },
        onSession: (actor, address) => {
          const session = activeUsers.login(actor, address, 'ssh');
          return () => activeUsers.logout(session);
        },
        scripts,
      });
      sshShown = ssh;
    }
  }

  let mndp: MndpResponder | undefined;
  if (options.mndp) {
    mndp = await startMndpResponder({
      port: options.mndp.port ?? 5678,
      bindAddress: options.bind,
      // In a namespace the LAN's directed broadcast; on loopback nothing is broadcast unless asked.
      announceTo: options.mndp.announceTo ?? (options.bind === '0.0.0.0' ? lanBroadcast(lan.address) : undefined),
      intervalMs: options.mndp.intervalMs ?? 30_000,
      info: () => ({
        identity: model.single('/system/identity').name ?? identity,
        version: `${version} (stable)`,
        board: 'RB5009UG+S+',
        uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
        interfaceName: lan.interface,
        ipv4: lan.address.split('/')[0] ?? '0.0.0.0',
      }),
      lanInterface: lan.interface,
    });
  }

  let closing: Promise<void> | undefined;
  return {
    apiPort,
    apiSslPort,
    fingerprint: (options.apiSslCertificate ?? 'lab') === 'lab' ? cert.fingerprint : '',
    state: model,
    setFaults: (f) => {
      faults = { ...f };
    },
    ...(sshShown ? { ssh: sshShown } : {}),
    apiConnections,
    upnpMapping: (m) =>
      model.addDynamic('/ip/firewall/nat', {
        chain: 'dstnat',
        action: 'dst-nat',
        protocol: m.protocol,
        'in-interface': wan.interface,
        'dst-port': String(m.port),
        'to-addresses': m.toAddress,
        'to-ports': String(m.port),
        comment: `upnp ${m.toAddress}: mapping`,
        log: 'false',
        'log-prefix': '',
        disabled: 'false',
      }),
    settled: async () => {
      await enforcer?.settled();
    },
    close: () => {
      closing ??= (async () => {
        scheduler.stop();
        stopDnsNames?.();
        for (const timer of signing) clearTimeout(timer);
        await mndp?.close();
        for (const s of sockets) s.destroy();
        await Promise.all([closeServer(tcp), closeServer(tls), ssh?.close()]);
        await enforcer?.stop();
      })();
      return closing;
    },
  };
}
