/**
 * `sofia xmlstatus profile <name> reg` → who is registered and from where. Pure.
 *
 * Format (signalwire/freeswitch @ cc93a683 src/mod/endpoints/mod_sofia/mod_sofia.c):
 * `<?xml …?>` header (:3294), `<profile>` then `<registrations>` (:3471-3477) holding one
 * `<registration>` per row of sip_registrations (show_reg_callback_xml, :2861-2901) with
 * `<call-id>`, `<user>user@host</user>`, `<contact>` and `<agent>` (switch_amp_encode: " ' & < >
 * as entities, switch_utils.c:937+), `<status>`, `<ping-status>`, `<ping-time>`, `<host>` (the
 * FreeSWITCH host), `<network-ip>` and `<network-port>` (the address the REGISTER came from,
 * sofia_reg.c:1401 sofia_glue_get_addr, stored at :2009-2017), `<sip-auth-user>` (URL-encoded),
 * `<sip-auth-realm>`, `<mwi-account>`. `<user>` and `<network-ip>` are written raw: a hostile
 * user name can break the XML, so each element is read on its own and a broken row is skipped.
 */

export interface Registration {
  /** user@domain as registered. */
  user: string;
  /** User-Agent header of the phone. */
  agent: string;
  contact: string;
  /** Where the REGISTER came from as FreeSWITCH saw it (after any NAT in front of the PBX). */
  networkIp: string;
  networkPort: number | null;
}

const ENTITIES: Record<string, string> = { quot: '"', apos: "'", amp: '&', lt: '<', gt: '>' };

function decode(text: string): string {
  return text.replace(/&(quot|apos|amp|lt|gt);/g, (_, e: string) => ENTITIES[e]!);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text from the network is shown to the technician: no control characters, bounded length. */
export function printable(text: string, max = 200): string {
  return text.replace(CONTROL, ' ').trim().slice(0, max);
}

function element(block: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(block);
  return m === null ? undefined : printable(decode(m[1]!));
}

export function parseRegistrations(xml: string): Registration[] {
  const out: Registration[] = [];
  for (const m of xml.matchAll(/<registration>([\s\S]*?)<\/registration>/g)) {
    const block = m[1]!;
    const networkIp = element(block, 'network-ip');
    const user = element(block, 'user');
    if (!networkIp || user === undefined) continue;
    const port = Number(element(block, 'network-port'));
    out.push({
      user,
      agent: element(block, 'agent') ?? '',
      contact: element(block, 'contact') ?? '',
      networkIp,
      networkPort: Number.isInteger(port) && port > 0 && port < 65536 ? port : null,
    });
  }
  return out;
}

/** "Invalid Profile!" (mod_sofia.c:3481) or no <profile> at all: the answer is not a registration list. */
export function isRegistrationList(xml: string): boolean {
  return /<profile>/.test(xml) && !/Invalid Profile!/.test(xml);
}
