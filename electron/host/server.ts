/**
 * Browser mode: serves the built renderer and carries the contract over a
 * WebSocket on 127.0.0.1 only. Every WebSocket must present this run's random
 * token and come from this host's own origin; other hosts' pages and
 * DNS-rebinding tricks are refused before any message is read.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatcher } from '../api/dispatcher';
import { createSession } from '../api/session';
import { MAX_MESSAGE_BYTES } from '../../contract/wire';
import { SECURITY_HEADERS, serveStatic } from '../app/static';
import { DOWNLOAD_PATH, serveBundle } from './download';

export const API_PATH = '/api';

export interface BrowserHostOptions {
  dispatcher: Dispatcher;
  /** Folder of the built renderer (index.html). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; normally random per run. */
  token?: string;
  /** The data folder's bundles/ folder: Done's download serves a run's bundle from it (download.ts). */
  bundlesDir?: string;
}

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  /** Open WebSocket connections, for tests and the status line. */
  connections(): number;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

function sameToken(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\n`);
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  const allowedHosts = () => [`${LOOPBACK}:${port}`, `localhost:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);

  const server: Server = createServer((req, res) => {
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      res.writeHead(421, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain' });
      res.end('This wizard answers only on its own loopback address.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith(DOWNLOAD_PATH)) {
      void serveBundle(options.bundlesDir, url, (given) => sameToken(given, token), res);
      return;
    }
    void serveStatic(options.rendererDir, url.pathname, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== API_PATH) return refuse(socket, 404, 'Not Found');
    if (!allowedHosts().includes(req.headers.host ?? '')) return refuse(socket, 421, 'Misdirected Request');
    if (!allowedOrigins().includes(req.headers.origin ?? '')) return refuse(socket, 403, 'Forbidden origin');
    if (!sameToken(url.searchParams.get('token'), token)) return refuse(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const session = createSession(options.dispatcher, (message) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return session.receive(undefined);
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        parsed = undefined;
      }
      session.receive(parsed);
    });
    ws.on('close', () => session.close());
    ws.on('error', () => session.close());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${LOOPBACK}:${port}/#token=${token}`,
    port,
    token,
    connections: () => wss.clients.size,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
