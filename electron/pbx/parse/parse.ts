/** Parsers for what the PBX host prints: switch.conf.xml, `iptables -S`, `sofia xmlstatus`. Pure. */
import type { HostFirewall, IptablesRule, RtpRange } from '../model/state';

export const FREESWITCH_RTP_DEFAULT = { start: 16384, end: 32768 } as const;

function stripComments(xml: string): string {
  return xml.replace(/<!--[\s\S]*?(-->|$)/g, '');
}

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The last uncommented value of each param in one XML file. */
export function xmlParams(xml: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const m of stripComments(xml).matchAll(/<param\b[^>]*>/g)) {
    const name = attribute(m[0], 'name');
    const value = attribute(m[0], 'value');
    if (name !== undefined && value !== undefined) params.set(name, value);
  }
  return params;
}

function port(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,5}$/.test(text.trim())) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/**
 * The RTP range FreeSWITCH uses: rtp-start-port / rtp-end-port from
 * switch.conf.xml, overridden by post_load_switch.conf.xml, else the
 * built-in 16384–32768. Commented-out params do not count.
 */
export function rtpRangeFrom(files: { switchConf?: string | null; postLoad?: string | null }): RtpRange {
  let range: RtpRange = { ...FREESWITCH_RTP_DEFAULT, source: 'default' };
  const sources = [
    ['switch.conf.xml', files.switchConf],
    ['post_load_switch.conf.xml', files.postLoad],
  ] as const;
  for (const [source, xml] of sources) {
    if (!xml) continue;
    const params = xmlParams(xml);
    const start = port(params.get('rtp-start-port'));
    const end = port(params.get('rtp-end-port'));
    if (start === undefined && end === undefined) continue;
    range = { start: start ?? range.start, end: end ?? range.end, source };
  }
  return range;
}

/** Splits one `iptables -S` line into words, honouring its double quotes (comments). */
export function iptablesWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '\\' && i + 1 < line.length) current += line[++i];
      else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') {
      quoted = true;
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/** `iptables -S` output → policies, chains and rules in order; lines it does not know are skipped. */
export function parseIptablesS(output: string): HostFirewall {
  const policies: Record<string, string> = {};
  const chains: string[] = [];
  const rules: IptablesRule[] = [];
  for (const line of output.split('\n')) {
    const words = iptablesWords(line.trim());
    const [flag, chain, ...rest] = words;
    if (chain === undefined) continue;
    if (flag === '-P' && rest[0]) {
      policies[chain] = rest[0];
      chains.push(chain);
    } else if (flag === '-N') chains.push(chain);
    else if (flag === '-A') rules.push({ chain, words: rest });
  }
  return { policies, chains, rules };
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (e in named) return named[e]!;
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/** The leaves of `<profile-info>` in `sofia xmlstatus profile <name>` output. */
export function parseSofiaXmlStatus(xml: string): Record<string, string> {
  const info: Record<string, string> = {};
  const block = /<profile-info>([\s\S]*?)<\/profile-info>/.exec(xml)?.[1];
  if (block === undefined) return info;
  for (const m of block.matchAll(/<([A-Za-z0-9_-]+)>([^<]*)<\/\1>/g)) info[m[1]!] = decodeXml(m[2]!.trim());
  return info;
}
