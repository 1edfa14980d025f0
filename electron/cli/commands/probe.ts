/** probe: from a machine outside the site, which ports really get through. */
import { isIPv4 } from '../../../contract/ipv4';
import { EXIT, type CliContext } from '../context';
import { parsePort, parsePortRange } from '../inputs';

interface ProbeOpts {
  fromOutside: string;
  sipPorts: string;
  rtpRange: string;
  tlsPorts: string;
  timeout: string;
}

export function registerProbeCommand(ctx: CliContext): void {
  ctx.program
    .command('probe')
    .description(
      'From a machine OUTSIDE the site: send SIP OPTIONS to the SIP ports and UDP to sample RTP ports of the public IP, and say per port what happened.',
    )
    .requiredOption('--from-outside <public-ip>', "the site's public IP address")
    .option('--sip-ports <list>', 'SIP ports, comma-separated', '5060,5080')
    .option('--rtp-range <start-end>', "the PBX's RTP range", '16384-32768')
    .option('--tls-ports <list>', 'SIP over TLS / WSS ports to try a TLS handshake on, e.g. 5061,7443', '')
    .option('--timeout <seconds>', 'how long to wait for each SIP answer', '2')
    .action(async (opts: ProbeOpts) => {
      const { start, end } = parsePortRange(opts.rtpRange, '--rtp-range');
      const sipPorts = opts.sipPorts.split(',').map((p) => parsePort(p, '--sip-ports'));
      const tlsPorts = opts.tlsPorts === '' ? [] : opts.tlsPorts.split(',').map((p) => parsePort(p, '--tls-ports'));
      const seconds = Number(opts.timeout);
      if (!isIPv4(opts.fromOutside) || !(seconds > 0 && seconds <= 30)) {
        ctx.io.err(
          'fspbx-nat: give an IPv4 address, ports 1-65535, an RTP range like 16384-32768 and a timeout of 1-30 s.',
        );
        ctx.exit(EXIT.usage);
        return;
      }
      const { GOT_THROUGH, probeFromOutside, sampleRtpPorts } = await import('../../probe/outside');
      const reports = await probeFromOutside(opts.fromOutside, {
        sipPorts,
        rtpPorts: sampleRtpPorts(start, end),
        tlsPorts,
        timeoutMs: seconds * 1000,
      });
      if (ctx.globals().json) ctx.io.out(JSON.stringify(reports, null, 2));
      else
        ctx.io.out(
          reports.map((r) => `${`${r.protocol} ${r.port}`.padEnd(10)} ${r.what.padEnd(32)} ${r.detail}`).join('\n'),
        );
      if (reports.some((r) => !GOT_THROUGH.includes(r.verdict))) ctx.exit(EXIT.failed);
    });
}
