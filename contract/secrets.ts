/**
 * The one definition of a secret: which names hold one (a password, a PIN, a
 * token, a private or API key…), and how text and values that carry them are
 * redacted before anything is printed, stored for reading or bundled. The
 * PBX's switch variables, the site inputs, fs_cli and psql output, CLI usage
 * messages and plan output all go through here. Public keys, host keys and
 * fingerprints are not secrets: the app must show them. Pure.
 */

export const REDACTED = '[redacted]';

/** Words that make a name a secret's, wherever they stand in it (`ldap_bind_pw`, `sudoPassword`, `tls-passphrase`). */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'pass',
  'pwd',
  'pw',
  'pin',
  'secret',
  'token',
  'credential',
  'credentials',
  'apikey',
  'privatekey',
]);

/** `key` names a secret unless one of these says it is a public one (shown by the app, compared by people). */
const PUBLIC_KEY_WORDS = new Set(['public', 'host', 'fingerprint', 'bundle', 'known', 'pub']);

/** Words of a name: split at `_ - . : / space` and at lowerUpper camel case; lower case. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether a field, variable, parameter or option with this name holds a secret. */
export function isSecretName(name: string | null | undefined): boolean {
  if (!name) return false;
  const parts = words(name);
  const compact = parts.join('');
  // A private key is one whatever else the name says (`bundle_private_key`, `hostPrivateKey`).
  if (parts.some((w) => SECRET_WORDS.has(w)) || /password|passphrase|passwd|secret|privatekey/.test(compact))
    return true;
  // A word ending in a secret word: `defaultpassword` written as one…
  if (parts.some((w) => /(password|passwd|secret|token)$/.test(w))) return true;
  // `key` alone is a row's key or a fingerprint (shown); a key of these kinds is a secret.
  if (parts.some((w) => PUBLIC_KEY_WORDS.has(w))) return false;
  return /(api|private|secret|auth|access|encryption|license|licence|signing|session|shared|master|hmac)key/.test(
    compact,
  );
}

/**
 * Values not worth hiding, whatever the name: flags, our own marks, and
 * fingerprints (a `key` field that holds SHA256:… is one the app must show).
 */
const HARMLESS =
  /^(|yes|no|true|false|\[redacted\]|\[hidden\]|SHA256:[A-Za-z0-9+/]{43}|([0-9a-f]{2}:){31}[0-9a-f]{2})$/i;

/**
 * A text with every secret it names redacted, found by its structure so that
 * short values (a 3-digit voicemail PIN) go too: vars.xml `data="name=value"`,
 * XML `<param name="password" value="…"/>`, `name=value` / `name: value`
 * lines, `PGPASSWORD=…`, `password '…'` in SQL and `user:password@` in URLs.
 */
export function redactText(text: string): string {
  return (
    text
      // <X-PRE-PROCESS cmd="set" data="name=value"/> (vars.xml, FreeSWITCH switch variables)
      .replace(/data=(["'])([^"'=]*)=([^"']*)\1/g, (whole, q: string, name: string) =>
        isSecretName(name) ? `data=${q}${name}=${REDACTED}${q}` : whole,
      )
      // <param name="password" value="…"/>, in either attribute order
      .replace(/<(param|variable)\b[^>]*>/gi, (tag) => {
        const name = /\bname\s*=\s*("([^"]*)"|'([^']*)')/i.exec(tag);
        const value = name?.[2] ?? name?.[3];
        if (value === undefined || !isSecretName(value)) return tag;
        return tag.replace(/\bvalue\s*=\s*("[^"]*"|'[^']*')/i, `value="${REDACTED}"`);
      })
      // name = value, name: value (config files, .env, fs_cli and psql output), one per line
      .replace(
        /^([ \t]*(?:export[ \t]+)?)([A-Za-z_][A-Za-z0-9_.-]*)([ \t]*[=:][ \t]*)(\S.*)$/gm,
        (whole, lead: string, name: string, sep: string, value: string) =>
          isSecretName(name) && !HARMLESS.test(value.trim()) ? `${lead}${name}${sep}${REDACTED}` : whole,
      )
      // PGPASSWORD=… and password '…' inside one-line commands and SQL. Spaces and tabs only around the
      // separator: a line ending in "password" must not take the next line's first word for its value.
      .replace(
        /\b(PGPASSWORD|password)([ \t]*[=:][ \t]*|[ \t]+)('(?:[^']|'')*'|"[^"]*"|\S+)/gi,
        (m, key: string, sep: string) =>
          HARMLESS.test(m.slice(key.length + sep.length)) ? m : `${key}${sep}${REDACTED}`,
      )
      // scheme://user:password@host
      .replace(/(:\/\/[^:/@\s]+:)[^@\s]+@/g, `$1${REDACTED}@`)
  );
}

/** Name fields that say what their sibling value field holds (FS PBX rows, RouterOS items, plain pairs). */
const PAIRS: readonly [string, string][] = [
  ['var_name', 'var_value'],
  ['sip_profile_setting_name', 'sip_profile_setting_value'],
  ['default_setting_subcategory', 'default_setting_value'],
  ['name', 'value'],
];

/** The forms a value takes inside JSON and HTML text, so a known value is found wherever it was written. */
function forms(value: string): string[] {
  const html = value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
  const json = (s: string) => JSON.stringify(s).slice(1, -1);
  return [...new Set([value, json(value), html, json(html)])];
}

/** Known secret values long enough to look for in free text without hitting ordinary words or numbers. */
export const MIN_SEARCHED = 4;

/**
 * Whether a value can be searched for in free text: long enough, and not a short number that ports,
 * addresses and counters hold too (a 4-digit PIN is found by its name instead).
 */
const searchable = (value: string): boolean =>
  value.length >= MIN_SEARCHED && !/^\d{1,7}$/.test(value) && !HARMLESS.test(value);

/** Every occurrence of the given secret values removed from a text (searchable ones: see above). */
export function hideValues(text: string, values: readonly string[]): string {
  let out = text;
  for (const value of values) {
    if (!searchable(value)) continue;
    for (const form of forms(value)) out = out.split(form).join(REDACTED);
  }
  return out;
}

/** The fields of an object that hold a secret: named as one, or beside a name field that names one. */
function secretFields(record: Record<string, unknown>): Set<string> {
  const out = new Set(
    PAIRS.flatMap(([n, val]) => (typeof record[n] === 'string' && isSecretName(record[n]) ? [val] : [])),
  );
  for (const [key, field] of Object.entries(record)) {
    if ((typeof field === 'string' || typeof field === 'number') && isSecretName(key)) out.add(key);
  }
  return out;
}

/** The secret values a value holds by its structure (fields, name/value pairs, vars.xml lines), to find elsewhere. */
export function secretValuesIn(value: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 64) return;
    if (typeof v === 'string') {
      for (const m of v.matchAll(/data=(["'])([^"'=]*)=([^"']*)\1/g)) if (isSecretName(m[2])) found.add(m[3]!);
      return;
    }
    if (Array.isArray(v)) return v.forEach((item) => walk(item, depth + 1));
    if (v === null || typeof v !== 'object') return;
    const record = v as Record<string, unknown>;
    // A secret held as a number (a PIN column read as one) is searched for as its digits.
    for (const key of secretFields(record)) {
      const field = record[key];
      if (typeof field === 'string' || typeof field === 'number') found.add(String(field));
    }
    for (const field of Object.values(record)) walk(field, depth + 1);
  };
  walk(value, 0);
  return [...found].filter((s) => !HARMLESS.test(s));
}

/**
 * A value with every secret in it redacted: a field whose name is a secret's,
 * the value beside a name field that names one (`var_name: ldap_bind_pw`),
 * secrets written inside strings (redactText), and the values so found (and
 * any `known` ones) wherever else they appear, such as SQL in a plan step.
 */
export function redactDeep<T>(value: T, known: readonly string[] = []): T {
  const values = [...new Set([...known, ...secretValuesIn(value)])].sort((a, b) => b.length - a.length);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return hideValues(redactText(v), values);
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const record = v as Record<string, unknown>;
    const secret = secretFields(record);
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(record)) {
      out[key] = secret.has(key) && !HARMLESS.test(field as string) ? REDACTED : walk(field);
    }
    return out;
  };
  return walk(value) as T;
}
