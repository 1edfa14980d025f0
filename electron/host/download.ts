/**
 * Browser mode's one download: a run's bundle, written by bundle.export into
 * the data folder's bundles/ folder, handed to the browser under a readable
 * name ("acme-dental-2026-12-07.zip"). Only a run id's .zip in that one folder
 * can be asked for, and only with this run's token: no path from the request
 * reaches the file system.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { SECURITY_HEADERS } from '../app/static';

export const DOWNLOAD_PATH = '/download/';

const RUN_ZIP = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.zip$/;

/** The name the browser saves under: ASCII letters, digits, dot, dash and underscore, ending in .zip. */
export function downloadName(asked: string | null, fallback: string): string {
  const name = (asked ?? '')
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 120);
  return name.endsWith('.zip') && name.length > 4 ? name : fallback;
}

function refuse(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain' });
  res.end(text);
}

export async function serveBundle(
  bundlesDir: string | undefined,
  url: URL,
  tokenOk: (given: string | null) => boolean,
  res: ServerResponse,
): Promise<void> {
  if (!tokenOk(url.searchParams.get('token'))) return refuse(res, 401, 'Unauthorized');
  const file = url.pathname.slice(DOWNLOAD_PATH.length);
  if (!bundlesDir || !RUN_ZIP.test(file)) return refuse(res, 404, 'Not Found');
  const path = join(bundlesDir, file);
  const found = await stat(path).catch(() => undefined);
  if (!found?.isFile()) return refuse(res, 404, 'Not Found');
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/zip',
    'Content-Length': String(found.size),
    'Content-Disposition': `attachment; filename="${downloadName(url.searchParams.get('as'), file)}"`,
  });
  createReadStream(path)
    .on('error', () => res.destroy())
    .pipe(res);
}
