/** Plain-text renderings for a terminal; --json prints the values as they are. */
import type { AppError } from '../errors';
import type { AppInfo, CheckStatus, DoctorCheck, LanFacts } from '../types';

const MARK: Record<CheckStatus, string> = { pass: 'ok  ', warn: 'warn', fail: 'FAIL' };

export function formatInfo(info: AppInfo): string {
  const runtime = Object.entries(info.runtime)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `${info.name} ${info.version} (${info.frontEnd}, ${info.platform})`,
    `data folder: ${info.dataDir}`,
    `runtime:     ${runtime}`,
  ].join('\n');
}

export function formatCheck(check: DoctorCheck): string {
  const fix = check.fix ? `\n       → ${check.fix}` : '';
  return `[${MARK[check.status]}] ${check.title}: ${check.summary}${fix}`;
}

export function formatLan(lan: LanFacts): string {
  const lines = lan.interfaces.map(
    (i) => `${i.likelyLan ? '*' : ' '} ${i.name.padEnd(12)} ${i.address.padEnd(15)} ${i.subnet.padEnd(18)} ${i.mac}`,
  );
  if (lines.length === 0) lines.push('  (no IPv4 network)');
  const gateway = lan.defaultGateway
    ? `default gateway: ${lan.defaultGateway.address} via ${lan.defaultGateway.interface}`
    : 'default gateway: none';
  return [...lines, gateway, lan.reasoning].join('\n');
}

export function formatError(error: AppError): string {
  return `fspbx-nat: ${error.message} [${error.code}]`;
}
