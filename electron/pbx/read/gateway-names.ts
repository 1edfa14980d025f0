/**
 * FS PBX's names of its gateways by gateway_uuid. FreeSWITCH knows an FS PBX
 * gateway only by its uuid (the gateway XML is named after it), so verify's
 * trunk lines would otherwise show a uuid where FS PBX shows "Lab Trunk".
 */
import { jsonFromPsql, PSQL_AS_POSTGRES_SH } from '../session/db';
import type { SshSession } from '../session/ssh';

/** One JSON object, uuid → name. Constant SQL: nothing from outside goes in. */
export const GATEWAY_NAMES_QUERY =
  "select coalesce(json_object_agg(lower(gateway_uuid::text), gateway), '{}'::json) from v_gateways where gateway is not null;";

/** The names from psql's answer: entries that are not text are skipped. Pure. */
export function gatewayNamesFrom(value: unknown): Map<string, string> {
  const names = new Map<string, string>();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return names;
  for (const [uuid, name] of Object.entries(value)) {
    if (typeof name === 'string' && name.trim() !== '') names.set(uuid.toLowerCase(), name);
  }
  return names;
}

export async function readGatewayNames(ssh: Pick<SshSession, 'run'>): Promise<Map<string, string>> {
  const result = await ssh.run(['sh', '-c', PSQL_AS_POSTGRES_SH], { input: GATEWAY_NAMES_QUERY, asRoot: true });
  return gatewayNamesFrom(jsonFromPsql(result));
}
