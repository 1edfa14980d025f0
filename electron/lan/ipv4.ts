/** IPv4 arithmetic on 32-bit unsigned integers. Pure. */

export function toInt(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new RangeError(`not an IPv4 address: ${address}`);
  }
  return (((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0) as number;
}

export function fromInt(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

/** Prefix length of a contiguous netmask, or undefined for a non-contiguous one. */
export function prefixOf(netmask: string): number | undefined {
  const mask = toInt(netmask);
  const inverted = ~mask >>> 0;
  if ((inverted & (inverted + 1)) !== 0) return undefined;
  return 32 - Math.log2(inverted + 1);
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function networkOf(address: string, prefix: number): string {
  return fromInt((toInt(address) & maskOf(prefix)) >>> 0);
}

export function broadcastOf(address: string, prefix: number): string {
  return fromInt((toInt(address) | (~maskOf(prefix) >>> 0)) >>> 0);
}

export function contains(cidr: string, address: string): boolean {
  const [net, bits] = cidr.split('/');
  const prefix = bits === undefined ? 32 : Number(bits);
  return (toInt(address) & maskOf(prefix)) >>> 0 === (toInt(net!) & maskOf(prefix)) >>> 0;
}

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const CGNAT = '100.64.0.0/10';

export function isPrivate(address: string): boolean {
  return PRIVATE.some((range) => contains(range, address));
}

export function isCgnat(address: string): boolean {
  return contains(CGNAT, address);
}

export function isLinkLocal(address: string): boolean {
  return contains('169.254.0.0/16', address);
}
