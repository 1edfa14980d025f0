/**
 * The store's schema, one migration per version. A migration is never edited
 * once released: add the next one. `PRAGMA user_version` records where a file is.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: sites, runs, snapshots, journal, remembered credentials
  `
  CREATE TABLE sites (
    site_id        TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    router_host    TEXT NOT NULL,
    router_identity TEXT,
    router_tls_fingerprint TEXT,
    pbx_host       TEXT NOT NULL,
    pbx_host_key   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (router_host, pbx_host)
  );

  CREATE TABLE runs (
    run_id       TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites(site_id),
    kind         TEXT NOT NULL CHECK (kind IN ('apply', 'rollback')),
    status       TEXT NOT NULL,
    inputs_json  TEXT NOT NULL,
    plan_json    TEXT NOT NULL,
    change_count INTEGER NOT NULL DEFAULT 0,
    result_json  TEXT,
    snapshot_id  TEXT,
    rollback_of  TEXT,
    started_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    finished_at  TEXT
  );
  CREATE INDEX runs_by_site ON runs (site_id, started_at DESC);
  CREATE INDEX runs_by_start ON runs (started_at DESC);
  CREATE INDEX runs_unfinished ON runs (status) WHERE status IN ('planned', 'applying', 'applied', 'verified');

  CREATE TABLE snapshots (
    snapshot_id  TEXT PRIMARY KEY,
    run_id       TEXT NOT NULL REFERENCES runs(run_id),
    site_id      TEXT NOT NULL REFERENCES sites(site_id),
    taken_at     TEXT NOT NULL,
    router_json  TEXT,
    pbx_json     TEXT,
    router_export TEXT,
    pbx_reference TEXT,
    sha256       TEXT NOT NULL
  );
  CREATE INDEX snapshots_by_site ON snapshots (site_id, taken_at DESC);

  CREATE TABLE journal (
    run_id     TEXT NOT NULL REFERENCES runs(run_id),
    seq        INTEGER NOT NULL,
    change_id  TEXT NOT NULL,
    target     TEXT NOT NULL CHECK (target IN ('router', 'pbx')),
    status     TEXT NOT NULL CHECK (status IN ('sending', 'done', 'failed')),
    detail     TEXT,
    at         TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
  );

  CREATE TABLE credentials (
    site_id    TEXT NOT NULL REFERENCES sites(site_id),
    target     TEXT NOT NULL CHECK (target IN ('router', 'pbx')),
    username   TEXT NOT NULL,
    -- Only ever ciphertext from the OS keychain (Electron safeStorage).
    secret_enc BLOB NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (site_id, target)
  );
  `,
  // 2: host keys and API-SSL certificates the technician accepted, per address (like known_hosts)
  `
  CREATE TABLE known_hosts (
    kind        TEXT NOT NULL CHECK (kind IN ('ssh', 'api-ssl')),
    host        TEXT NOT NULL,
    port        INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    PRIMARY KEY (kind, host, port)
  );
  `,
  // 3: where a run or snapshot came from (imported ones are history to read, never applied), who signed its
  //    bundle, and what identifies the router and PBX a snapshot was taken of
  `
  ALTER TABLE runs ADD COLUMN origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'imported'));
  ALTER TABLE runs ADD COLUMN signer TEXT;
  ALTER TABLE snapshots ADD COLUMN origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'imported'));
  ALTER TABLE snapshots ADD COLUMN box_json TEXT;
  `,
  // 4: customers share MikroTik's default addresses: a site is its two addresses AND the router's name.
  //    SQLite cannot drop a constraint, so the table is rebuilt (sqlite.org/lang_altertable.html, "other
  //    kinds of table schema changes"); the runner turns foreign keys off around it and checks them after.
  `
  CREATE TABLE sites_v4 (
    site_id        TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    router_host    TEXT NOT NULL,
    router_identity TEXT,
    router_tls_fingerprint TEXT,
    pbx_host       TEXT NOT NULL,
    pbx_host_key   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (router_host, pbx_host, router_identity)
  );
  INSERT INTO sites_v4 (site_id, name, router_host, router_identity, router_tls_fingerprint, pbx_host, pbx_host_key, created_at, updated_at)
    SELECT site_id, name, router_host, router_identity, router_tls_fingerprint, pbx_host, pbx_host_key, created_at, updated_at FROM sites;
  DROP TABLE sites;
  ALTER TABLE sites_v4 RENAME TO sites;
  `,
  // 5: bundle signers the technician trusts (fspbx-nat trust add): only their imported snapshots may be rolled back to
  `
  CREATE TABLE trusted_signers (
    public_key  TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    added_at    TEXT NOT NULL
  );
  `,
  // 6: one apply, confirm or rollback per run and per site at a time, across processes (CLI and app);
  //    what each box holds after a run (applied, reverted by the router's timer, rolled back by run X,
  //    confirmed); the customer or site name and ticket the technician gives a site
  `
  CREATE TABLE locks (
    lock_key   TEXT PRIMARY KEY,
    token      TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    purpose    TEXT NOT NULL,
    taken_at   TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  ALTER TABLE runs ADD COLUMN boxes_json TEXT;
  ALTER TABLE sites ADD COLUMN customer TEXT;
  ALTER TABLE sites ADD COLUMN ticket TEXT;
  `,
  // 7: the typed visit record (store/visit.ts): its format, an apply's site facts, a rollback's control.
  //    Rows written before keep format 1 and are upgraded on read.
  `
  ALTER TABLE runs ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE runs ADD COLUMN facts_json TEXT;
  ALTER TABLE runs ADD COLUMN control_json TEXT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
