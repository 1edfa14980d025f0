/**
 * Runtime schemas of the values that cross the contract boundary. Pure: no
 * Node modules, so the same checks can run anywhere the contract is loaded.
 */
import { z } from 'zod';
import { coveredAddresses, isIPv4, isIPv4Cidr, opensToAnyone } from './ipv4';
import { hostProblem } from './host-input';
import { peerAddressProblem } from './peer-address';

export { isHostname, isIPv4, isIPv4Cidr } from './ipv4';

export const ipv4 = z.string().trim().refine(isIPv4, { message: 'Enter an IPv4 address such as 192.0.2.10.' });

export const ipv4OrCidr = z
  .string()
  .trim()
  .refine(isIPv4Cidr, { message: 'Enter an IPv4 address or a range such as 198.51.100.0/24.' });

export const host = z
  .string()
  .trim()
  // A near-address (192.168.88.1o) is a typo named here, not a name looked up in DNS (host-input.ts).
  .superRefine((v, ctx) => {
    const problem = hostProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const port = z.number().int().min(1, 'Ports run from 1 to 65535.').max(65535, 'Ports run from 1 to 65535.');

/** Labels typed by the technician; printable text only, so they are safe in logs and reports. */
export const label = z
  .string()
  .trim()
  .min(1, 'Give it a name.')
  .max(64, 'Keep the name under 64 characters.')
  // eslint-disable-next-line no-control-regex
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), { message: 'The name has control characters.' });

export const username = z
  .string()
  .min(1, 'Enter the user name.')
  .max(128, 'That user name is too long.')
  // eslint-disable-next-line no-control-regex
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), { message: 'The user name has control characters.' });

export const secret = z.string().max(1024, 'That secret is too long.');

export const sha256Fingerprint = z
  .string()
  .trim()
  .regex(
    /^SHA256:[A-Za-z0-9+/]{43}=?$|^[0-9a-fA-F]{64}$|^([0-9a-fA-F]{2}:){31}[0-9a-fA-F]{2}$/,
    'A SHA-256 fingerprint was expected.',
  );

export const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'An identifier of letters, digits, - or _ was expected.');

export const routerTarget = z
  .object({
    host,
    /** API-SSL (8729) unless the technician accepts plain 8728 with a warning. */
    tls: z.boolean().default(true),
    port: port.optional(),
    username,
    password: secret,
    /** The certificate fingerprint the technician accepted earlier, if any. */
    fingerprint: sha256Fingerprint.optional(),
    /**
     * The technician's answer when api-ssl has no certificate (a stock router offers anonymous
     * Diffie-Hellman only): 'ssh-certificate' = over the router's SSH (host key accepted) create a
     * self-signed certificate, assign it to api-ssl, then connect and pin it (needs no anonymous
     * suites, so it works in the desktop app, whose BoringSSL has none); 'anonymous' = connect
     * anyway, encrypted but the router's identity not verifiable; 'make-certificate' = as
     * 'ssh-certificate' but over that anonymous connection. Absent = refuse and explain.
     */
    noCertificate: z.enum(['ssh-certificate', 'anonymous', 'make-certificate']).optional(),
    /** The router's SSH port for 'ssh-certificate' (22 unless moved). */
    sshPort: port.optional(),
    /** The router's SSH host key (SHA256:…) the technician accepted, for 'ssh-certificate'. */
    sshHostKey: sha256Fingerprint.optional(),
  })
  .strict();

export const sshAuth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('password'), password: secret }).strict(),
  z
    .object({
      kind: z.literal('key'),
      privateKey: z
        .string()
        .min(1)
        .max(64 * 1024),
      passphrase: secret.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('agent') }).strict(),
]);

export const pbxTarget = z
  .object({
    host,
    port: port.default(22),
    username,
    auth: sshAuth,
    /** For a non-root user whose sudo asks for a password. */
    sudoPassword: secret.optional(),
    hostKey: sha256Fingerprint.optional(),
  })
  .strict();

/**
 * A trunk's or phone's address: IPv4, a range, or a DNS name the router resolves and keeps current
 * (contract/peer-address.ts). Names are kept in lower case: DNS compares them so (RFC 4343), and the
 * wizard finds its router entry again by the name.
 */
export const peerAddress = z
  .string()
  .trim()
  .superRefine((v, ctx) => {
    const problem = peerAddressProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((v) => v.toLowerCase());

export const peer = z.object({ name: label, address: peerAddress }).strict();

/** pbx.peers: the PBX login, and what the wizard knows of the site so far (both optional). */
export const peersInput = z
  .object({
    pbx: pbxTarget,
    /** The customer LAN: registrations from inside it are local phones, not remote ones. */
    lan: ipv4OrCidr.optional(),
    /**
     * Sources already allowed (step 4's trunks and phones, host names included): a registered trunk
     * outside them is warned about.
     */
    allowed: z.array(peerAddress).max(1280).optional(),
  })
  .strict();

/** How long the router keeps a visit's changes unless the technician confirms them: the one default. */
export const DEFAULT_REVERT_MINUTES = 5;

export const siteOptions = z
  .object({
    webGui: z.boolean().default(false),
    hairpin: z.boolean().default(false),
    /** proxy = Proxy Media; default = the PBX's default media handling; leave = do not touch extensions. */
    mediaMode: z.enum(['proxy', 'default', 'leave']).default('proxy'),
    /** Extensions to change; empty means "those with bypass media". */
    extensions: z.array(z.string().max(64)).max(5000).default([]),
    revertMinutes: z.number().int().min(1).max(60).default(DEFAULT_REVERT_MINUTES),
    /** Forwards open to any source address; refused unless explicitly accepted. */
    allowAnySource: z.boolean().default(false),
    publicIp: ipv4.optional(),
  })
  .strict();

export const siteInputs = z
  .object({
    router: routerTarget,
    pbx: pbxTarget,
    trunks: z.array(peer).max(256),
    phones: z.array(peer).max(1024),
    options: siteOptions,
    /** The customer or site as the technician names it (asked once per site), and an optional ticket or reference. */
    site: z
      .object({
        name: z.string().trim().min(1, 'Name the customer or site.').max(100),
        ticket: z.string().trim().max(100).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  // Needs no box, so it is checked before any login: sources that together cover a large part of the
  // Internet (0.0.0.0/0, or 0.0.0.0/1 + 128.0.0.0/1) need the technician's explicit acceptance.
  // A host name covers no range here: the router resolves it to the provider's own addresses.
  .superRefine((site, ctx) => {
    if (site.options.allowAnySource) return;
    const peers = (['trunks', 'phones'] as const).flatMap((role) =>
      site[role].map((peer, index) => ({ path: [role, index, 'address'], address: peer.address })),
    );
    const sources = peers.map((p) => p.address).filter(isIPv4Cidr);
    if (!opensToAnyone(sources)) return;
    const widest = [...peers].sort((a, b) => coveredAddresses([b.address]) - coveredAddresses([a.address]))[0];
    ctx.addIssue({
      code: 'custom',
      path: widest?.path ?? ['trunks'],
      message: `The allowed addresses cover ${coveredAddresses(sources).toLocaleString('en')} addresses, a large part of the Internet; list the provider's and phones' addresses, or accept the risk explicitly.`,
    });
  });

export type RouterTarget = z.infer<typeof routerTarget>;
export type PbxTarget = z.infer<typeof pbxTarget>;
export type SiteInputs = z.infer<typeof siteInputs>;
export type SiteOptions = z.infer<typeof siteOptions>;
export type Peer = z.infer<typeof peer>;
export type PeersInput = z.infer<typeof peersInput>;
