/**
 * How FreeSWITCH reads a flag, for every place the wizard judges one (a profile's tls, a gateway's
 * register). Pure.
 */

/**
 * FreeSWITCH's switch_true (switch_utils.h:518-528): seven words in any case, or a number as
 * switch_is_number takes it (switch_utils.c:1636-1653: an optional sign, then only digits and dots)
 * whose atoi is not 0. Nothing is trimmed: FS PBX's Lua writes the row's value as it is
 * (nemerald-voip/fspbx sofia.conf.lua:271-279).
 */
export function switchTrue(value: string): boolean {
  if (['yes', 'on', 'true', 't', 'enabled', 'active', 'allow'].includes(value.toLowerCase())) return true;
  const atoi = Number.parseInt(value, 10);
  return /^[-+]?[\d.]*$/.test(value) && !Number.isNaN(atoi) && atoi !== 0;
}
