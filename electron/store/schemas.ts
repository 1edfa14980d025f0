/**
 * What the store and the bundles may hold, as schemas: every row and every
 * bundle file is parsed through these on read, never cast. A snapshot that
 * came from a bundle is held to a narrower shape: only the menus and tables
 * the wizard restores, and nothing a restore would run (scripts, schedulers,
 * vars.xml text, exec-set variables).
 */
import { z } from 'zod';
import type { Plan, RunStatus } from '../../contract/types';
import type { DomainRow, ExtensionRow, PbxState, SettingRow, SipProfileRow, VarRow } from '../pbx/model/state';
import type { RosItem, RouterState } from '../routeros/state';

const text = (max = 64 * 1024) => z.string().max(max);

/** zod's records drop a `__proto__` key silently; one in a file is a sign of tampering, so it is refused. */
const noProtoKey = z.custom<object>(
  (v) => typeof v === 'object' && v !== null && !Object.hasOwn(v, '__proto__'),
  'an object with a __proto__ key',
);

// ── plans ────────────────────────────────────────────────────────────────
// A key starting with a letter: `__proto__`, `constructor` games and empty names are refused.
const fieldName = z.string().regex(/^[A-Za-z.][A-Za-z0-9._:/-]{0,127}$/);
const values = noProtoKey.pipe(
  z.record(
    fieldName,
    z
      .string()
      .max(64 * 1024)
      .nullable(),
  ),
);

export const changeSchema = z.looseObject({
  id: text(200),
  target: z.enum(['router', 'pbx']),
  path: text(512),
  action: z.enum(['add', 'set', 'remove']),
  before: values.nullable(),
  after: values.nullable(),
  reason: text(4096),
});

export const warningSchema = z.looseObject({
  code: text(200),
  message: text(4096),
  target: z.enum(['router', 'pbx']).optional(),
});

/** The common view of a plan; each engine's own plan rides along and is re-derived before anything is sent. */
export const planSchema = z.looseObject({
  changes: z.array(changeSchema).max(100_000),
  warnings: z.array(warningSchema).max(10_000),
  facts: z.record(fieldName, text(4096)),
}) satisfies z.ZodType<Plan>;

export const RUN_STATUSES = [
  'planned',
  'applying',
  'applied',
  'verified',
  'confirmed',
  'failed',
  'rolled-back',
  'interrupted',
] as const satisfies readonly RunStatus[];

export const runStatus = z.enum(RUN_STATUSES);
export const runKind = z.enum(['apply', 'rollback']);

// ── router state ─────────────────────────────────────────────────────────
/** RouterOS field names: `.id`, `mac-address`, `to-addresses`… lower case, digits, dots and dashes. */
const rosField = z.string().regex(/^\.?[a-z0-9][a-z0-9.-]{0,63}$/);
const rosItem = noProtoKey.pipe(z.record(rosField, text())).transform((item, ctx): RosItem => {
  const id = item['.id'];
  if (id !== undefined) return { ...item, '.id': id };
  ctx.addIssue({ code: 'custom', message: 'an item without .id', input: item });
  return z.NEVER;
});
const rosItems = z.array(rosItem).max(20_000);

export const routerStateSchema = z.strictObject({
  identity: text(255),
  version: text(255),
  board: text(255),
  interfaces: rosItems,
  interfaceLists: rosItems,
  interfaceListMembers: rosItems,
  addresses: rosItems,
  filter: rosItems,
  nat: rosItems,
  addressLists: rosItems,
  servicePorts: rosItems,
  scripts: rosItems,
  schedulers: rosItems,
  cloudPublicAddress: text(255).optional(),
  cloudDnsName: text(255).optional(),
  serial: text(255).optional(),
  softwareId: text(255).optional(),
  // /ip/route default routes (state.ts): absent in snapshots saved before they were read.
  routes: rosItems.optional(),
}) satisfies z.ZodType<RouterState>;

// ── PBX state ────────────────────────────────────────────────────────────
const column = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/);
const cell = text().nullable();
const anyRow = noProtoKey.pipe(z.record(column, cell));
const uuid = text();

// Each row type as the reader promises it (pbx/model/state.ts): its own columns typed, any other a cell.
const profileRow = z
  .object({ sip_profile_uuid: uuid, sip_profile_name: text(), sip_profile_hostname: cell, sip_profile_enabled: cell })
  .catchall(cell) satisfies z.ZodType<SipProfileRow>;
const settingRow = z
  .object({
    sip_profile_setting_uuid: uuid,
    sip_profile_uuid: uuid,
    sip_profile_setting_name: cell,
    sip_profile_setting_value: cell,
    sip_profile_setting_enabled: cell,
  })
  .catchall(cell) satisfies z.ZodType<SettingRow>;
const varRow = z
  .object({
    var_uuid: uuid,
    var_category: cell,
    var_name: cell,
    var_value: cell,
    var_command: cell,
    var_hostname: cell,
    var_enabled: cell,
    var_order: cell,
  })
  .catchall(cell) satisfies z.ZodType<VarRow>;
const extensionRow = z
  .object({
    extension_uuid: uuid,
    domain_uuid: cell,
    extension: cell,
    number_alias: cell,
    user_context: cell,
    sip_bypass_media: cell,
  })
  .catchall(cell) satisfies z.ZodType<ExtensionRow>;
const domainRow = z.object({ domain_uuid: uuid, domain_name: cell }).catchall(cell) satisfies z.ZodType<DomainRow>;
const ROW_SCHEMAS = {
  profiles: profileRow,
  settings: settingRow,
  vars: varRow,
  extensions: extensionRow,
  domains: domainRow,
} as const;

const AUDIT = ['insert_date', 'insert_user', 'update_date', 'update_user'] as const;
/** The columns each table has in FS PBX (reference/fspbx.md): an imported row may carry these and no other. */
const COLUMNS = {
  profiles: [
    'sip_profile_uuid',
    'sip_profile_name',
    'sip_profile_hostname',
    'sip_profile_enabled',
    'sip_profile_description',
    ...AUDIT,
  ],
  settings: [
    'sip_profile_setting_uuid',
    'sip_profile_uuid',
    'sip_profile_setting_name',
    'sip_profile_setting_value',
    'sip_profile_setting_enabled',
    'sip_profile_setting_description',
    ...AUDIT,
  ],
  vars: [
    'var_uuid',
    'var_category',
    'var_name',
    'var_value',
    'var_command',
    'var_hostname',
    'var_enabled',
    'var_order',
    'var_description',
    ...AUDIT,
  ],
  extensions: [
    'extension_uuid',
    'domain_uuid',
    'extension',
    'number_alias',
    'user_context',
    'sip_bypass_media',
    'sip_force_contact',
    'enabled',
    'description',
  ],
  domains: ['domain_uuid', 'domain_parent_uuid', 'domain_name', 'domain_enabled', 'domain_description'],
} as const;

type Table = keyof typeof COLUMNS;

/**
 * The columns each row type promises, read off its schema above (one list, not two): text where
 * the reader's type says string, text or NULL where it says so. Checked first, so a refusal names
 * the column ("no var_uuid", "no var_name column").
 */
function promisedBy(schema: z.ZodObject): { text: readonly string[]; present: readonly string[] } {
  const columns = Object.entries(schema.shape);
  return {
    text: columns.filter(([, type]) => !(type instanceof z.ZodNullable)).map(([name]) => name),
    present: columns.filter(([, type]) => type instanceof z.ZodNullable).map(([name]) => name),
  };
}
const PROMISED: Record<Table, { text: readonly string[]; present: readonly string[] }> = {
  profiles: promisedBy(profileRow),
  settings: promisedBy(settingRow),
  vars: promisedBy(varRow),
  extensions: promisedBy(extensionRow),
  domains: promisedBy(domainRow),
};

function rows<T extends Table>(table: T, strict: boolean) {
  const allowed: ReadonlySet<string> = new Set(COLUMNS[table]);
  return (
    z
      .array(anyRow)
      .max(100_000)
      .superRefine((list, ctx) => {
        list.forEach((row, index) => {
          for (const col of PROMISED[table].text) {
            if (typeof row[col] !== 'string')
              ctx.addIssue({ code: 'custom', path: [index, col], message: `no ${col}` });
          }
          for (const col of PROMISED[table].present) {
            if (!(col in row)) ctx.addIssue({ code: 'custom', path: [index, col], message: `no ${col} column` });
          }
          if (!strict) return;
          for (const key of Object.keys(row)) {
            if (!allowed.has(key))
              ctx.addIssue({
                code: 'custom',
                path: [index, key],
                message: `${key} is not a column the wizard restores`,
              });
          }
          // exec-set runs a shell command when FreeSWITCH loads vars.xml: never from a bundle.
          if (
            table === 'vars' &&
            row.var_command !== undefined &&
            row.var_command !== null &&
            row.var_command !== 'set'
          ) {
            ctx.addIssue({
              code: 'custom',
              path: [index, 'var_command'],
              message: 'only "set" variables are restored',
            });
          }
        });
      })
      // The checks above name what is wrong; this gives the rows their type, so nothing casts them.
      .pipe(z.array(ROW_SCHEMAS[table]))
  );
}

const rtp = z.strictObject({
  start: z.number().int().min(1).max(65535),
  end: z.number().int().min(1).max(65535),
  source: z.enum(['default', 'switch.conf.xml', 'post_load_switch.conf.xml']),
});

const firewall = z.strictObject({
  policies: z.record(text(64), text(64)),
  chains: z.array(text(64)).max(10_000),
  rules: z.array(z.strictObject({ chain: text(64), words: z.array(text(1024)).max(256) })).max(10_000),
});

const running = z
  .array(
    z.strictObject({
      name: text(255),
      info: z.record(text(128), text(4096)),
      gateways: z
        .array(z.strictObject({ name: text(255), state: text(64) }))
        .max(1000)
        .optional(),
    }),
  )
  .max(64);

function pbxSchema(strict: boolean): z.ZodType<PbxState> {
  return z.strictObject({
    hostname: text(255),
    switchname: text(255),
    profiles: rows('profiles', strict),
    settings: rows('settings', strict),
    vars: rows('vars', strict),
    extensions: rows('extensions', strict),
    domains: rows('domains', strict),
    cache: z.strictObject({ method: z.enum(['file', 'memcache']), location: text(4096) }),
    rtp,
    varsXml: text(1024 * 1024).nullable(),
    firewall: firewall.nullable(),
    running: running.nullable(),
    listening: z
      .array(z.strictObject({ address: text(255), port: z.number().int().min(1).max(65535) }))
      .max(10_000)
      .nullable()
      .optional(),
  });
}

const localPbx = pbxSchema(false);
const importedPbx = pbxSchema(true);

// ── box identity ─────────────────────────────────────────────────────────
/** What tells one router and one PBX from another, stored with each snapshot. */
export const boxIdentitySchema = z.strictObject({
  router: z
    .strictObject({
      identity: text(255),
      board: text(255),
      /** The MAC addresses of the router's own (non-virtual) interfaces, sorted. */
      macs: z.array(z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/)).max(256),
      /** The RouterBOARD's serial number; absent on CHR/x86 and in snapshots saved before it was recorded. */
      serial: text(255).optional(),
      /** The licence's software-id (or a CHR's system-id); absent in snapshots saved before it was recorded. */
      softwareId: text(255).optional(),
    })
    .optional(),
  pbx: z
    .strictObject({
      hostname: text(255),
      /** The SSH host key accepted for this PBX, as the known-hosts table holds it. */
      hostKey: text(255).optional(),
    })
    .optional(),
});

export type BoxIdentity = z.infer<typeof boxIdentitySchema>;

export type SnapshotOrigin = 'local' | 'imported';

export interface ParsedSnapshotContent {
  router?: RouterState;
  pbx?: PbxState;
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
    .join('; ');
}

export class SchemaError extends Error {
  constructor(
    readonly where: string,
    error: z.ZodError,
  ) {
    super(`${where}: ${describe(error)}`);
    this.name = 'SchemaError';
  }
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new SchemaError(where, parsed.error);
  return parsed.data;
}

/**
 * A snapshot's router and PBX parts. From a bundle, only what a restore may
 * bring back stays: scripts and schedulers are dropped (a restore never
 * re-creates code from a file), and vars.xml is re-rendered from the rows
 * instead of written back byte for byte.
 */
export function parseSnapshotParts(
  parts: { router?: unknown; pbx?: unknown },
  origin: SnapshotOrigin,
): ParsedSnapshotContent {
  const out: ParsedSnapshotContent = {};
  if (parts.router !== undefined) {
    const router = parseWith(routerStateSchema, parts.router, 'snapshot router');
    out.router = origin === 'imported' ? { ...router, scripts: [], schedulers: [] } : router;
  }
  if (parts.pbx !== undefined) {
    const pbx = parseWith(origin === 'imported' ? importedPbx : localPbx, parts.pbx, 'snapshot pbx');
    out.pbx = origin === 'imported' ? { ...pbx, varsXml: null, firewall: null } : pbx;
  }
  return out;
}

/** Parses a JSON column; a damaged or foreign row is named, never cast. */
export function parseJsonColumn<S extends z.ZodType>(schema: S, json: string, where: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (caught) {
    throw new SchemaError(
      where,
      new z.ZodError([{ code: 'custom', path: [], message: (caught as Error).message, input: json }]),
    );
  }
  return parseWith(schema, value, where);
}
