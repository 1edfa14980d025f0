/** Browser mode over a real socket: the token, the origin, the host header and the contract round-trip. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher } from '../../electron/api/dispatcher';
import { createHandlers } from '../../electron/api/handlers';
import { nodeEnv } from '../../electron/api/handlers/node-env';
import { startBrowserHost, type BrowserHost } from '../../electron/host/server';
import type { ServerMessage } from '../../contract/wire';
import { createClient, type Pipe } from '../../renderer/src/api/client';

let host: BrowserHost;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fspbx-host-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>wizard</title>');
  await writeFile(join(tmpdir(), 'fspbx-secret.txt'), 'outside the renderer');
  host = await startBrowserHost({
    dispatcher: createDispatcher(createHandlers(nodeEnv('browser', join(dir, 'data')))),
    rendererDir: dir,
  });
});

afterAll(async () => {
  await host?.close();
  await rm(dir, { recursive: true, force: true });
});

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, headers: { host: `127.0.0.1:${host.port}`, ...headers } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function open(query: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api${query}`, {
      origin: origin ?? `http://127.0.0.1:${host.port}`,
    });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function wsPipe(ws: WebSocket): Pipe {
  return {
    send: (m) => ws.send(JSON.stringify(m)),
    onMessage: (listener) => {
      const h = (data: WebSocket.RawData) => listener(JSON.parse(data.toString()) as ServerMessage);
      ws.on('message', h);
      return () => ws.off('message', h);
    },
  };
}

describe('browser-mode host', () => {
  it('listens on loopback only and prints a URL carrying the token in the fragment', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/#token=${host.token}$`));
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the renderer with a strict Content-Security-Policy', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('wizard');
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'none'");
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../fspbx-secret.txt', '/%2e%2e/fspbx-secret.txt', '/..%2ffspbx-secret.txt', '/%00']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('outside the renderer');
    }
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const res = await get('/', { host: `evil.example:${host.port}` });
    expect(res.status).toBe(421);
  });

  it('refuses a WebSocket without the token, with a wrong token, or from another origin', async () => {
    await expect(open('')).rejects.toThrow('HTTP 401');
    await expect(open('?token=not-the-token')).rejects.toThrow('HTTP 401');
    await expect(open(`?token=${host.token}`, 'http://evil.example')).rejects.toThrow('HTTP 403');
    await expect(open(`?token=${host.token}`, 'null')).rejects.toThrow('HTTP 403');
  });

  it('carries a contract round-trip with progress over the WebSocket', async () => {
    const ws = await open(`?token=${host.token}`);
    const client = createClient(wsPipe(ws));
    const info = await client.call('app.info', {});
    expect(info.ok && info.value.frontEnd).toBe('browser');
    const seen: string[] = [];
    const doctor = await client.call('app.doctor', {}, { onProgress: (c) => seen.push(c.id) });
    expect(doctor.ok).toBe(true);
    expect(seen).toContain('lan');
    const invalid = await client.call('router.read', { host: 'not an address', username: 'admin', password: '' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'host' } });
    ws.close();
  });

  it('answers garbage frames with an error value and keeps the connection usable', async () => {
    const ws = await open(`?token=${host.token}`);
    const errors: ServerMessage[] = [];
    ws.on('message', (d) => errors.push(JSON.parse(d.toString()) as ServerMessage));
    ws.send('{not json');
    ws.send(Buffer.from([0, 1, 2]), { binary: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(errors.map((e) => e.kind)).toEqual(['error', 'error']);
    const client = createClient(wsPipe(ws));
    expect((await client.call('lan.detect', {})).ok).toBe(true);
    ws.close();
  });
});
