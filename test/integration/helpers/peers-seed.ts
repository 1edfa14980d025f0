/**
 * What step 4's proposals come from, set up on the lab's PBX as a customer's
 * site would have it: a carrier gateway by name (resolved by the ISP's DNS,
 * test/lab/dns.ts, netns mode only) and a registration the remote phone really
 * sent. Shared by the lab tests and the e2e walk.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RouterOSAPI } from 'node-routeros';
import { LAB_CARRIER_NAME } from '../../lab/dns';
import type { Endpoint, Lab } from '../../lab/lab';
import { SITE } from '../../lab/topology';

export const CARRIER_GATEWAY = { uuid: '6f1c2a7e-1111-4a4a-9b9b-000000000001', name: 'Carrier DNS' } as const;
export const PHONE_USER = '1001';
export const PHONE_AGENT = 'Yealink SIP-T46S 66.86.0.15';

/**
 * Adds the carrier's gateway by its DNS name, as FS PBX saves one: the row,
 * then the cached sofia.conf dropped and the profile rescanned
 * (nemerald-voip/fspbx app/Services/GatewayService.php:165-224). Returns the
 * gateway's password, which no proposal may carry.
 */
export async function addCarrierGateway(lab: Lab): Promise<string> {
  const password = `gwpw-${randomBytes(8).toString('hex')}`;
  const inserted = await lab.exec(
    'pbx',
    ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'fusionpbx'],
    {
      input: `insert into v_gateways (gateway_uuid, gateway, username, password, proxy, realm, register, profile, enabled) values
        ('${CARRIER_GATEWAY.uuid}', '${CARRIER_GATEWAY.name}', 'acct1', '${password}', '${LAB_CARRIER_NAME}', NULL, 'false', 'external', 'true');`,
    },
  );
  if (inserted.code !== 0 || inserted.stderr !== '') throw new Error(`gateway insert failed: ${inserted.stderr}`);
  await lab.exec('pbx', ['rm', '-f', '/var/cache/fusionpbx/configuration.sofia.conf.pbx']);
  await lab.exec('pbx', ['fs_cli', '-x', 'sofia profile external rescan']);
  return password;
}

const OLD_FORWARD = 'old open SIP forward (lab set-up)';

/**
 * The remote phone registers with the PBX from the Internet (sipsak from the
 * `phone` host, netns mode) through an open forward the customer used to
 * have. With `keepForward` false the forward is removed again, so the router
 * is as it was and only the PBX remembers the registration.
 */
export async function registerRemotePhone(
  lab: Lab,
  routerApi: Endpoint,
  { keepForward = false }: { keepForward?: boolean } = {},
): Promise<void> {
  if (lab.mode !== 'netns' || !lab.router)
    throw new Error('a registration from outside needs the netns lab and its router');
  const ros = new RouterOSAPI({ ...routerApi, user: lab.router.user, password: lab.router.password, timeout: 10 });
  await ros.connect();
  try {
    await ros.write('/ip/firewall/nat/add', [
      '=chain=dstnat',
      '=in-interface=ether1',
      '=protocol=udp',
      '=dst-port=5060',
      '=action=dst-nat',
      `=to-addresses=${SITE.pbx}`,
      '=to-ports=5060',
      `=comment=${OLD_FORWARD}`,
    ]);
    const request = join(lab.dir, 'register.sip');
    await writeFile(
      request,
      [
        `REGISTER sip:${SITE.router.wan} SIP/2.0`,
        `Via: SIP/2.0/UDP ${SITE.phone}:5060;branch=z9hG4bK-lab-1;rport`,
        'Max-Forwards: 70',
        `From: <sip:${PHONE_USER}@${lab.pbx.domain}>;tag=lab1`,
        `To: <sip:${PHONE_USER}@${lab.pbx.domain}>`,
        `Call-ID: lab-reg-1@${SITE.phone}`,
        'CSeq: 1 REGISTER',
        `Contact: <sip:${PHONE_USER}@${SITE.phone}:5060>`,
        'Expires: 3600',
        `User-Agent: ${PHONE_AGENT}`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    // UDP: a lost datagram is retried, a bounded number of times.
    let sent = -1;
    for (let i = 0; i < 3 && sent !== 0; i += 1) {
      const target = `sip:${PHONE_USER}@${SITE.router.wan}:5060`;
      sent = (await lab.exec('phone', ['timeout', '5', 'sipsak', '-f', request, '-s', target], { timeoutMs: 8000 }))
        .code;
    }
    if (sent !== 0) throw new Error('the phone could not register with the PBX through the router');
  } finally {
    if (!keepForward) {
      const rows = (await ros.write('/ip/firewall/nat/print')) as Record<string, string>[];
      for (const row of rows.filter((r) => r.comment === OLD_FORWARD)) {
        await ros.write('/ip/firewall/nat/remove', [`=.id=${row['.id']}`]);
      }
    }
    await ros.close();
  }
}
