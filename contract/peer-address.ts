/**
 * A trunk's or remote phone's address as the technician types it in step 4: an IPv4 address, a
 * range (CIDR), or the DNS name of a provider whose addresses move. RouterOS keeps an address-list
 * entry given as a name current by itself (its address field takes "DNS Name | IP address/netmask |
 * IP-IP", https://help.mikrotik.com/docs/display/ROS/Address-lists), so a name is worth taking. The
 * rules for a name are RFC 1035 §2.3.1 and §2.3.4 (letters, digits and hyphens; a label 1–63
 * characters, neither starting nor ending with a hyphen; the whole name at most 253 characters
 * written without its final dot), RFC 1123 §2.1 (a label may start with a digit) and RFC 3696 §2
 * (no top-level domain is all digits, so such text is a mistyped address). Pure: no Node, no DOM.
 */
import { addressProblem, isIPv4Cidr } from './ipv4';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
/** RFC 1035 §2.3.4: 255 octets on the wire, 253 characters as text without the final dot. */
export const MAX_NAME_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;

/**
 * True for a DNS host name the router can look up: two labels or more, each per RFC 1035/1123, a TLD
 * that is not a number, and not mostly numbers (the rule contract/host-input.ts applies to a box's host).
 */
export function isPeerName(text: string): boolean {
  if (text.length > MAX_NAME_LENGTH) return false;
  const labels = text.split('.');
  if (labels.length < 2) return false;
  // Text that is mostly numbers between dots (198.51.100.1o) is a mistyped address, never looked up.
  if (meantAsAddress(text)) return false;
  return labels.every((label) => LABEL.test(label));
}

/** Mostly digits and dots, or a last part that is a number: meant as an address, not a name. */
function meantAsAddress(value: string): boolean {
  const labels = value.split(/[./]/);
  const numeric = labels.filter((l) => /^\d+$/.test(l)).length;
  return (
    /^[\d./]+$/.test(value) ||
    /^\d+$/.test(labels[labels.length - 1] ?? '') ||
    (numeric >= 2 && numeric >= labels.length - 1)
  );
}

/** A character as the sentence names it: itself when visible, else its code point (a control character is never echoed). */
function shown(char: string): string {
  return /[\p{L}\p{N}\p{P}\p{S}]/u.test(char)
    ? `"${char}"`
    : `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** An empty string when the text is an IPv4 address, a range or a host name, else what to fix (for the technician). */
export function peerAddressProblem(text: string): string {
  const value = text.trim();
  if (value === '') return 'Enter an address, a range or a host name.';
  if (isIPv4Cidr(value) || isPeerName(value)) return '';
  if (/[:@?#;\s]/.test(value) || (/\//.test(value) && !meantAsAddress(value))) {
    return 'Give the host name alone, without "sip:", a port, a user or a path (such as sip.example.com).';
  }
  if (meantAsAddress(value)) return addressProblem(value);
  if (value.length > MAX_NAME_LENGTH)
    return `A host name is at most ${MAX_NAME_LENGTH} characters; this one has ${value.length}.`;
  // Named before anything of the text is shown back: from here on it holds only letters, digits, '.' and '-'.
  const odd = [...value].find((c) => !/[a-z0-9.-]/i.test(c));
  if (odd !== undefined) {
    return `${shown(odd)} cannot be part of a host name: use letters, digits, hyphens and dots (such as sip.example.com).`;
  }
  if (value.endsWith('.')) return `Leave out the final dot: ${value.slice(0, -1)}.`;
  const labels = value.split('.');
  if (labels.some((l) => l === '')) return 'The name has an empty part between two dots.';
  const long = labels.find((l) => l.length > MAX_LABEL_LENGTH);
  if (long !== undefined) {
    return `Each part between dots is at most ${MAX_LABEL_LENGTH} characters; "${long.slice(0, 12)}…" has ${long.length}.`;
  }
  const hyphen = labels.find((l) => l.startsWith('-') || l.endsWith('-'));
  if (hyphen !== undefined) return `A part of a name cannot begin or end with a hyphen ("${hyphen}").`;
  // Every other way a name can be wrong is named above: what is left is a single word.
  return `Give the full name, such as ${value}.example.com: a single word is not a name the router can look up.`;
}
