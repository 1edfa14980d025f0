import { randomUUID } from 'node:crypto';
import { fail } from '../../contract/errors';
import type { Db } from './db';
import type { SiteRecord } from './types';

interface SiteRow {
  site_id: string;
  name: string;
  router_host: string;
  router_identity: string | null;
  router_tls_fingerprint: string | null;
  pbx_host: string;
  pbx_host_key: string | null;
  customer: string | null;
  ticket: string | null;
  created_at: string;
  updated_at: string;
}

function fromRow(row: SiteRow): SiteRecord {
  const site: SiteRecord = {
    siteId: row.site_id,
    name: row.name,
    routerHost: row.router_host,
    pbxHost: row.pbx_host,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.router_identity !== null) site.routerIdentity = row.router_identity;
  if (row.router_tls_fingerprint !== null) site.routerTlsFingerprint = row.router_tls_fingerprint;
  if (row.pbx_host_key !== null) site.pbxHostKey = row.pbx_host_key;
  if (row.customer !== null) site.customer = row.customer;
  if (row.ticket !== null) site.ticket = row.ticket;
  return site;
}

export interface SiteKey {
  routerHost: string;
  pbxHost: string;
  name?: string;
  routerIdentity?: string;
  /** The customer or site as the technician named it: the site's name from then on. */
  customer?: string;
  ticket?: string;
}

/** A site is one router and one PBX; the same pair, under the same router name, is the same site on the next visit. */
export function upsertSite(db: Db, key: SiteKey, now: string): SiteRecord {
  // Customers share MikroTik's default addresses: the same two addresses are this site only when the
  // router names itself the same (or was never named here). Without a name, the latest site there.
  const existing =
    key.routerIdentity === undefined
      ? db
          .prepare<[string, string], SiteRow>(
            'SELECT * FROM sites WHERE router_host = ? AND pbx_host = ? ORDER BY updated_at DESC LIMIT 1',
          )
          .get(key.routerHost, key.pbxHost)
      : db
          .prepare<[string, string, string], SiteRow>(
            `SELECT * FROM sites WHERE router_host = ? AND pbx_host = ? AND (router_identity = ? OR router_identity IS NULL)
             ORDER BY router_identity IS NULL, updated_at DESC LIMIT 1`,
          )
          .get(key.routerHost, key.pbxHost, key.routerIdentity);
  if (existing) {
    db.prepare(
      `UPDATE sites SET name = COALESCE(?, name), router_identity = COALESCE(?, router_identity),
         customer = COALESCE(?, customer), ticket = COALESCE(?, ticket), updated_at = ? WHERE site_id = ?`,
    ).run(
      key.customer ?? key.name ?? null,
      key.routerIdentity ?? null,
      key.customer ?? null,
      key.ticket ?? null,
      now,
      existing.site_id,
    );
    return getSite(db, existing.site_id);
  }
  const siteId = randomUUID();
  db.prepare(
    `INSERT INTO sites (site_id, name, router_host, router_identity, pbx_host, customer, ticket, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    siteId,
    key.customer ?? key.name ?? key.routerIdentity ?? `${key.routerHost} / ${key.pbxHost}`,
    key.routerHost,
    key.routerIdentity ?? null,
    key.pbxHost,
    key.customer ?? null,
    key.ticket ?? null,
    now,
    now,
  );
  return getSite(db, siteId);
}

export function getSite(db: Db, siteId: string): SiteRecord {
  const row = db.prepare<[string], SiteRow>('SELECT * FROM sites WHERE site_id = ?').get(siteId);
  if (!row) return fail('invalid_input', 'That site is not in this history.', `site ${siteId}`);
  return fromRow(row);
}

export function listSites(db: Db): SiteRecord[] {
  return db.prepare<[], SiteRow>('SELECT * FROM sites ORDER BY updated_at DESC').all().map(fromRow);
}

/**
 * Pins what the technician accepted. A different value later is refused by
 * the engines; replacing a pin is a deliberate act with its own call.
 */
export function pinFingerprints(
  db: Db,
  siteId: string,
  pins: { routerTlsFingerprint?: string; pbxHostKey?: string },
  now: string,
): SiteRecord {
  db.prepare(
    `UPDATE sites SET router_tls_fingerprint = COALESCE(?, router_tls_fingerprint),
       pbx_host_key = COALESCE(?, pbx_host_key), updated_at = ? WHERE site_id = ?`,
  ).run(pins.routerTlsFingerprint ?? null, pins.pbxHostKey ?? null, now, siteId);
  return getSite(db, siteId);
}
