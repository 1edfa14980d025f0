/**
 * Checks of the router inputs against the router's state. Every problem is an
 * error value naming the field and saying what to do, so the technician sees
 * all of them at once.
 */
import { peerAddressProblem } from '../../contract/peer-address';
import type { AppError } from '../../contract/errors';
import { coveredAddresses, isIPv4, isIPv4Cidr, opensToAnyone } from '../../contract/ipv4';
import { formatPorts, rangesOverlap, type PortRange } from './addr';
import { DEFAULT_SIP_PORTS, WEB_PORTS, type RouterPlanInputs } from './inputs';
import { lanOf, type Topology } from './topology';

function problem(field: string, message: string): AppError {
  return { code: 'invalid_input', field, message };
}

function checkRange(range: PortRange, field: string, errors: AppError[]): boolean {
  const valid = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 65535;
  if (!valid(range.start) || !valid(range.end)) {
    errors.push(problem(field, `The port range ${range.start}-${range.end} is not made of ports 1 to 65535.`));
    return false;
  }
  if (range.start > range.end) {
    errors.push(
      problem(field, `The port range ${range.start}-${range.end} is reversed: the first port must be the lower one.`),
    );
    return false;
  }
  return true;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function validateRouterInputs(inputs: RouterPlanInputs, topology: Topology): AppError[] {
  const errors: AppError[] = [];

  if (!isIPv4(inputs.pbxAddress)) {
    errors.push(problem('pbx.address', `"${inputs.pbxAddress}" is not an IPv4 address; enter the PBX's LAN address.`));
  } else if (topology.lanAddresses.some((a) => a.address === inputs.pbxAddress)) {
    errors.push(problem('pbx.address', `${inputs.pbxAddress} is the router's own address, not the PBX's.`));
  } else if (!lanOf(topology, inputs.pbxAddress)) {
    const lans = topology.lanAddresses.map((a) => a.cidr).join(', ') || 'none found';
    errors.push(
      problem(
        'pbx.address',
        `The PBX address ${inputs.pbxAddress} is not on any LAN of this router (${lans}); check the address or the router.`,
      ),
    );
  }

  for (const role of ['trunks', 'phones'] as const) {
    inputs[role].forEach((peer, index) => {
      const field = `${role}.${index}`;
      if (CONTROL.test(peer.name)) errors.push(problem(`${field}.name`, 'The name has control characters.'));
      const wrong = peerAddressProblem(peer.address);
      if (wrong) errors.push(problem(`${field}.address`, wrong));
    });
  }
  // Judged by how much of the Internet the lists cover together, not by a literal /0:
  // 0.0.0.0/1 + 128.0.0.0/1 lets everyone in just the same.
  const sources = [...inputs.trunks, ...inputs.phones].map((p) => p.address).filter(isIPv4Cidr);
  if (!inputs.allowAnySource && opensToAnyone(sources)) {
    const widest = (['trunks', 'phones'] as const)
      .flatMap((role) => inputs[role].map((peer, index) => ({ field: `${role}.${index}.address`, peer })))
      .filter(({ peer }) => isIPv4Cidr(peer.address))
      .sort((a, b) => coveredAddresses([b.peer.address]) - coveredAddresses([a.peer.address]))[0];
    errors.push(
      problem(
        widest?.field ?? 'trunks',
        `The allowed addresses cover ${coveredAddresses(sources).toLocaleString('en')} addresses, a large part of the Internet; list the provider's and phones' addresses, or accept the risk explicitly.`,
      ),
    );
  }

  const sip = inputs.sipPorts ?? DEFAULT_SIP_PORTS;
  const sipOk =
    checkRange({ start: sip.internal, end: sip.internal }, 'sipPorts.internal', errors) &&
    checkRange({ start: sip.external, end: sip.external }, 'sipPorts.external', errors);
  if (sipOk && sip.internal === sip.external) {
    errors.push(problem('sipPorts', `The phones and the trunks cannot share SIP port ${sip.internal}.`));
  }

  const pbxRtpOk = checkRange(inputs.pbxRtp, 'pbxRtp', errors);
  const rtp = inputs.rtp ?? inputs.pbxRtp;
  const rtpOk = inputs.rtp === undefined ? pbxRtpOk : checkRange(inputs.rtp, 'rtp', errors);
  if (rtpOk && pbxRtpOk && (rtp.start !== inputs.pbxRtp.start || rtp.end !== inputs.pbxRtp.end)) {
    errors.push(
      problem(
        'rtp',
        `The RTP range ${formatPorts(rtp)} differs from the PBX's ${formatPorts(inputs.pbxRtp)}; forward the PBX's range.`,
      ),
    );
  }
  if (rtpOk && sipOk) {
    const taken: [string, number][] = [
      ['SIP port for phones', sip.internal],
      ['SIP port for trunks', sip.external],
      ...(inputs.webGui ? WEB_PORTS.map((p): [string, number] => ['web GUI port', p]) : []),
    ];
    for (const [what, port] of taken) {
      if (rangesOverlap(rtp, { start: port, end: port })) {
        errors.push(problem('rtp', `The RTP range ${formatPorts(rtp)} overlaps the ${what} ${port}.`));
      }
    }
  }

  if (!topology.hasWanList && topology.wanAddresses.length === 0) {
    errors.push(
      problem(
        'options.publicIp',
        'The router has no WAN interface list and its WAN address is ambiguous; enter the router’s WAN address.',
      ),
    );
  }
  const wanList = topology.listMembers.get('WAN');
  const outward = topology.defaultRouteInterfaces[0];
  if (topology.hasWanList && wanList && outward !== undefined && !wanList.has(outward)) {
    errors.push({
      code: 'invalid_input',
      field: 'router.wanList',
      message: `The router reaches the Internet through ${outward}, which is not in its WAN interface list (${[...wanList].join(', ')}): forwards matched on the WAN list would never see a call. Add it on the router (/interface list member add list=WAN interface=${outward}), then read the router again.`,
      detail: `default route interfaces: ${topology.defaultRouteInterfaces.join(', ')}; WAN list: ${[...wanList].join(', ')}`,
    });
  }
  if (inputs.wanAddress !== undefined && !isIPv4(inputs.wanAddress)) {
    errors.push(problem('options.publicIp', `"${inputs.wanAddress}" is not an IPv4 address.`));
  }
  return errors;
}
