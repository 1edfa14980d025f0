/**
 * Secrets out of anything the wizard keeps from the PBX. The generated
 * sofia.conf carries every trunk's password (`<param name="password" …>`,
 * nemerald-voip/fspbx sofia.conf.lua:134-217), config.conf and .env carry the
 * database password, and error text may quote any of them. Whatever fs_cli or
 * psql printed passes through here before it is put in a record. Pure.
 */

const SECRET_NAME = /(pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|pw)$/i;
const HIDDEN = '[hidden]';

/** `<param name="password" value="…"/>` and its attribute orders. */
function scrubXmlParams(text: string): string {
  return text.replace(/<(param|variable)\b[^>]*>/gi, (tag) => {
    const name = /\bname\s*=\s*("([^"]*)"|'([^']*)')/i.exec(tag);
    const value = name?.[2] ?? name?.[3];
    if (value === undefined || !SECRET_NAME.test(value.replace(/[-_ ]/g, ''))) return tag;
    return tag.replace(/\bvalue\s*=\s*("[^"]*"|'[^']*')/i, `value="${HIDDEN}"`);
  });
}

/** `name = value`, `name=value`, `NAME: value` lines whose name says secret. */
function scrubAssignments(text: string): string {
  return text.replace(
    /^([ \t]*[A-Za-z0-9_.-]*?(?:pass(?:word|wd)?|secret|token|api[-_]?key|_pw)[A-Za-z0-9_.-]*[ \t]*[=:][ \t]*)(\S.*)$/gim,
    (_, head: string, value: string) =>
      /^(yes|no|\[hidden\])$/i.test(value.trim()) ? `${head}${value}` : `${head}${HIDDEN}`,
  );
}

/** `PGPASSWORD=… ` and `password 'x'` inside one-line commands and SQL. */
function scrubInline(text: string): string {
  return text
    .replace(/\b(PGPASSWORD|password)(\s*=\s*|\s+)('(?:[^']|'')*'|"[^"]*"|\S+)/gi, (m, key: string, sep: string) =>
      /^(yes|no)$/i.test(m.slice(key.length + sep.length)) ? m : `${key}${sep}${HIDDEN}`,
    )
    .replace(/(:\/\/[^:/@\s]+:)[^@\s]+@/g, `$1${HIDDEN}@`);
}

export function scrubSecrets(text: string): string {
  return scrubInline(scrubAssignments(scrubXmlParams(text)));
}

/** Removes every occurrence of known secret values (e.g. the passwords read from v_gateways). */
export function withoutValues(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(HIDDEN);
  return out;
}
