/**
 * A router's or PBX's address as typed: an IPv4 address or a host name. Text that is almost an
 * address (192.168.88.1o, 192.168.88) is a typo, refused where it is typed, never looked up in
 * DNS: a lookup of it would only fail seconds later with a vaguer sentence.
 */
import { isHostname, isIPv4 } from './ipv4';

const WHOLE = /^\d{1,3}$/;

/** An empty string when the text is an IPv4 address or a host name, else what to fix (for the technician). */
export function hostProblem(text: string): string {
  const value = text.trim();
  if (value === '') return 'Enter the IPv4 address (or host name) of the device.';
  if (isIPv4(value)) return '';
  const labels = value.split('.');
  const numeric = labels.filter((l) => /^\d+$/.test(l)).length;
  // Mostly numbers between dots: meant as an address (no top-level domain is a number, RFC 3696 §2).
  if (/^[\d.]+$/.test(value) || (numeric >= 2 && numeric >= labels.length - 1)) {
    if (labels.length !== 4) {
      return `${value} is not an IPv4 address: it has ${labels.length} parts between dots, an address has 4 (such as 192.168.88.1).`;
    }
    const bad = labels.find((l) => !WHOLE.test(l) || Number(l) > 255) ?? value;
    return `${value} is not an IPv4 address: "${bad}" should be a number from 0 to 255. Check for a typo.`;
  }
  if (isHostname(value)) return '';
  return `"${value}" is neither an IPv4 address nor a host name: type an address such as 192.168.88.1.`;
}
