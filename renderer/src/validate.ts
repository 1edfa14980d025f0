/**
 * Checks as the technician types, for instant feedback. The main process
 * validates everything again at the contract boundary: this is a courtesy,
 * not the gate.
 */
function octetsOk(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** An empty string when fine, else what to fix. */
export function addressProblem(text: string): string {
  const value = text.trim();
  if (value === '') return 'Enter an address.';
  const [address = '', prefix, extra] = value.split('/');
  if (extra !== undefined || !octetsOk(address))
    return 'Use an IPv4 address such as 198.51.100.10, or a range such as 198.51.100.0/24.';
  if (prefix !== undefined && !/^(\d|[12]\d|3[0-2])$/.test(prefix)) return 'A range ends in /0 to /32.';
  return '';
}

/** 0.0.0.0/0 (or any /0) lets the whole Internet reach the PBX. */
export function isAnywhere(text: string): boolean {
  return /\/0$/.test(text.trim());
}
