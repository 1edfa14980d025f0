export function roomsPicture(domain: string): string;
