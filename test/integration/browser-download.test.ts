/**
 * Browser mode's bundle download over a real socket: a run's .zip from the bundles folder under a
 * readable name, with this run's token only, and nothing outside that folder however it is asked.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../electron/api/dispatcher';
import { createHandlers } from '../../electron/api/handlers';
import { nodeEnv } from '../../electron/api/handlers/node-env';
import { downloadName } from '../../electron/host/download';
import { startBrowserHost, type BrowserHost } from '../../electron/host/server';

const RUN = '0b0c0d0e-0000-4000-8000-000000000001';
let host: BrowserHost;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fspbx-download-'));
  await mkdir(join(dir, 'data', 'bundles'), { recursive: true });
  await writeFile(join(dir, 'data', 'bundles', `${RUN}.zip`), 'PK zip bytes');
  await writeFile(join(dir, 'data', 'secret.zip'), 'outside the bundles folder');
  host = await startBrowserHost({
    dispatcher: createDispatcher(createHandlers(nodeEnv('browser', join(dir, 'data')))),
    rendererDir: dir,
    token: 'tok',
    bundlesDir: join(dir, 'data', 'bundles'),
  });
});

afterAll(async () => {
  await host?.close();
  await rm(dir, { recursive: true, force: true });
});

function get(path: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, headers: { host: `127.0.0.1:${host.port}` } },
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

describe('Done’s download in browser mode', () => {
  it('hands the bundle over under the site’s name and date', async () => {
    const res = await get(`/download/${RUN}.zip?token=tok&as=dental-office-2026-12-07.zip`);
    expect(res.status).toBe(200);
    expect(res.body).toBe('PK zip bytes');
    expect(res.headers['content-disposition']).toBe('attachment; filename="dental-office-2026-12-07.zip"');
  });

  it('refuses without the token, and anything but a run’s zip in the bundles folder', async () => {
    expect((await get(`/download/${RUN}.zip?token=nope`)).status).toBe(401);
    expect((await get(`/download/${RUN}.zip`)).status).toBe(401);
    expect((await get('/download/..%2Fsecret.zip?token=tok')).status).toBe(404);
    expect((await get('/download/../secret.zip?token=tok')).status).not.toBe(200);
    expect((await get('/download/secret.zip?token=tok')).status).toBe(404);
  });

  it('keeps a file name plain', () => {
    expect(downloadName('a"b\r\n/c.zip', 'x.zip')).toBe('a-b---c.zip');
    expect(downloadName('../../etc.zip', 'x.zip')).toBe('etc.zip');
    expect(downloadName('report.html', 'x.zip')).toBe('x.zip');
    expect(downloadName(null, 'x.zip')).toBe('x.zip');
  });
});
