/**
 * Where a proposed trunk or phone came from, in a technician's words: which
 * gateway setting and DNS record gave a trunk's address and what FreeSWITCH
 * says of the gateway now; which user and phone registered from an address.
 * Text from the PBX is only ever shown as text (React escapes it).
 */
import type { AddressRecord, RegistrationSource, TrunkSource } from '../../../contract/types';
import type { PeerOrigin } from '../store/site';

const RECORD: Record<AddressRecord, string> = {
  IP: 'typed as an IP address in FS PBX',
  A: 'DNS A record',
  SRV: 'DNS SRV record',
  NAPTR: 'DNS NAPTR record',
};

/** FreeSWITCH's gateway state (`sofia status gateway`) in words, keeping its own word for the log. */
export function gatewayState(state: string | null): string {
  if (state === null) return 'not running in FreeSWITCH now';
  if (state === 'REGED') return 'registered (REGED)';
  if (state === 'NOREG') return 'running, does not register (NOREG)';
  return `not registered (${state})`;
}

export function trunkSourceText(s: TrunkSource): string {
  const how = s.record === 'IP' ? RECORD.IP : `${RECORD[s.record]}: ${s.lookup}`;
  return `Gateway "${s.gateway}", ${s.role} ${s.configured} (${s.transport.toUpperCase()}) · ${how} · ${gatewayState(s.state)}`;
}

export function phoneSourceText(s: RegistrationSource, address: string): string {
  const from = s.port === null ? address : `${address}:${s.port}`;
  return `Registered as ${s.user} · ${s.agent || 'no user agent given'} · from ${from}`;
}

/** One line per source. */
export function originLines(origin: PeerOrigin, address: string): string[] {
  return origin.kind === 'trunk'
    ? origin.sources.map(trunkSourceText)
    : origin.sources.map((s) => phoneSourceText(s, address));
}

/** A trunk FreeSWITCH is registered through: unticking it refuses the carrier once the forwards are restricted. */
export function registeredNow(origin: PeerOrigin): boolean {
  return origin.kind === 'trunk' && origin.sources.some((s) => s.state === 'REGED');
}
