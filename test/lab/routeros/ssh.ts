/**
 * The router's SSH service (`/ip service` ssh, port 22, enabled on a stock router: the defconf
 * service list in model/defconf.ts): password login for users whose group has the `ssh` policy
 * (https://help.mikrotik.com/docs/display/ROS/User "ssh - policy that grants rights to log in
 * remotely via secure shell"), and one RouterOS CLI command line per `exec` request, run by the
 * same script interpreter the scheduler uses (so traps and permissions match the API's).
 * community.routeros runs its CLI modules over SSH the same way (docs/docsite/rst/ssh-guide.rst).
 *
 * What a command prints: `:put` lines, and for a refused command the router's message on a line of
 * its own (community.routeros plugins/terminal/routeros.py `terminal_stderr_re`: "bad command
 * name", "no such item", "invalid value for"). RouterOS documents no exit status for exec; this
 * sends 0 and the wizard reads only the text. Lines end in CR LF, as RouterOS's terminal writes.
 *
 * The login is the router's own, local or RADIUS (model/radius.ts), and a session shows in
 * /user/active with `via=ssh` (model/active-users.ts). The host key is an Ed25519 key made when
 * the simulator starts (a new one per lab run).
 */
import { type Socket, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { createHash } from 'node:crypto';
import { Server as SshServer, type Connection, utils } from 'ssh2';
import type { Actor } from './model/router';
import type { ScriptRunner } from './script/runner';

export interface SshFaults {
  /** Drop the TCP connection when this exec request (1-based, counted per connection) arrives. */
  dropAtExec?: number;
}

export interface RouterSsh {
  port: number;
  /** OpenSSH-style `SHA256:…` fingerprint of the host key, as `ssh-keygen -l` prints it. */
  hostKey: string;
  /** Exec requests received so far, all connections (what a test asserts on). */
  commands: string[];
  setFaults(faults: SshFaults): void;
  close(): Promise<void>;
}

export interface RouterSshOptions {
  bind: string;
  port: number;
  /** The router's login, local or RADIUS (the same one the API uses): the session's actor, or undefined. */
  login(name: string, password: string): Actor | undefined;
  /** A session begins (its /user/active row, `via=ssh`) and ends. */
  onSession?(actor: Actor, address: string): () => void;
  scripts: ScriptRunner;
  /** A new host key (tests that model a replaced router make a second simulator). */
  hostKeyPem?: string;
}

function fingerprintOfPublic(publicKey: string): string {
  const blob = Buffer.from(publicKey.trim().split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** One command line of at most this size, as a bound on what a client can make the simulator parse. */
const MAX_COMMAND = 16 * 1024;

export async function startRouterSsh(options: RouterSshOptions): Promise<RouterSsh> {
  const pair = utils.generateKeyPairSync('ed25519');
  const hostKey = fingerprintOfPublic(pair.public);
  const commands: string[] = [];
  let faults: SshFaults = {};
  const sockets = new Set<Socket>();

  const server = new SshServer({ hostKeys: [pair.private] }, (client: Connection, info) => {
    const address = info.ip;
    let actor: Actor | undefined;
    let ended: (() => void) | undefined;
    let execs = 0;
    client.on('error', () => undefined);
    client.on('close', () => ended?.());
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'password') {
        ctx.reject(['password']);
        return;
      }
      const who = options.login(ctx.username, ctx.password);
      if (!who?.policies.has('ssh')) {
        ctx.reject(['password']);
        return;
      }
      actor = who;
      ctx.accept();
    });
    client.on('ready', () => {
      if (actor) ended = options.onSession?.(actor, address);
    });
    client.on('session', (acceptSession) => {
      const session = acceptSession();
      // A terminal is not offered: the wizard sends single command lines (exec) only.
      session.on('pty', (_accept, reject) => reject?.());
      session.on('shell', (_accept, reject) => reject());
      session.on('exec', (accept, reject, info) => {
        execs += 1;
        if (faults.dropAtExec !== undefined && execs >= faults.dropAtExec) {
          // The link goes down as the command arrives: nothing of it runs.
          for (const s of sockets) s.destroy();
          return;
        }
        if (!actor || info.command.length > MAX_COMMAND) {
          reject();
          return;
        }
        commands.push(info.command);
        const stream = accept();
        const lines: string[] = [];
        void options.scripts
          .runSource(info.command, actor, (line) => lines.push(line))
          .then((result) => {
            if (!result.ok) lines.push(result.trap.message);
            for (const line of lines) stream.write(`${line}\r\n`);
            stream.exit(0);
            stream.end();
          })
          .catch(() => {
            stream.exit(1);
            stream.end();
          });
      });
    });
  });

  const tcp: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    // ssh2's Server takes its connections from a net server of its own; hand this one over.
    server.injectSocket(socket);
  });
  const port = await new Promise<number>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(options.port, options.bind, () => {
      const addr = tcp.address();
      resolve(typeof addr === 'object' && addr ? addr.port : options.port);
    });
  });

  return {
    port,
    hostKey,
    commands,
    setFaults: (f) => {
      faults = { ...f };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        tcp.close(() => resolve());
      }),
  };
}
