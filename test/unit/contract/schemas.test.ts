/**
 * The contract's runtime schemas, field by field: what each accepts at its edges, what it refuses
 * and the sentence the technician reads, the defaults a site starts from, and the check that a
 * site's allowed sources do not open the PBX to a large part of the Internet.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  DEFAULT_REVERT_MINUTES,
  host,
  id,
  ipv4,
  ipv4OrCidr,
  label,
  pbxTarget,
  peer,
  peersInput,
  port,
  routerTarget,
  secret,
  sha256Fingerprint,
  siteInputs,
  siteOptions,
  sshAuth,
  username,
} from '../../../contract/schemas';

/** The messages a value is refused with, or [] when it is accepted. */
function refusals(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

const CONTROL = ['\u0000', '\u0001', '\t', '\n', '\u001b', '\u001f', '\u007f'];

describe('addresses', () => {
  it('takes an IPv4 address trimmed, and names an example when it is not one', () => {
    expect(ipv4.parse(' 192.0.2.10 ')).toBe('192.0.2.10');
    for (const bad of ['192.0.2', '192.0.2.10/24', '192.0.2.256', 'pbx.example.net', '']) {
      expect(refusals(ipv4, bad), bad).toEqual(['Enter an IPv4 address such as 192.0.2.10.']);
    }
  });

  it('takes an address or a range trimmed, and names an example range when it is neither', () => {
    expect(ipv4OrCidr.parse(' 198.51.100.0/24 ')).toBe('198.51.100.0/24');
    expect(ipv4OrCidr.parse('198.51.100.7')).toBe('198.51.100.7');
    for (const bad of ['198.51.100.0/33', '198.51.100', 'sip.example.com', '']) {
      expect(refusals(ipv4OrCidr, bad), bad).toEqual(['Enter an IPv4 address or a range such as 198.51.100.0/24.']);
    }
  });

  it("takes a box's address or host name trimmed, and names a near-address as the typo it is", () => {
    expect(host.parse(' 192.168.88.1 ')).toBe('192.168.88.1');
    expect(host.parse('pbx.example.net')).toBe('pbx.example.net');
    expect(refusals(host, '  ')).toEqual(['Enter the IPv4 address (or host name) of the device.']);
    expect(refusals(host, '192.168.88.1o')).toEqual([
      '192.168.88.1o is not an IPv4 address: "1o" should be a number from 0 to 255. Check for a typo.',
    ]);
    expect(refusals(host, 'pbx;reboot')).toEqual([
      '"pbx;reboot" is neither an IPv4 address nor a host name: type an address such as 192.168.88.1.',
    ]);
    // One issue, of zod's own kind for a check of ours: the UI shows its message under the field.
    expect(host.safeParse('192.168.88').error?.issues).toMatchObject([{ code: 'custom', path: [] }]);
  });
});

describe('ports', () => {
  it('run from 1 to 65535, whole numbers only', () => {
    for (const ok of [1, 22, 8729, 65535]) expect(port.parse(ok)).toBe(ok);
    for (const bad of [0, -1, 65536]) expect(refusals(port, bad), String(bad)).toEqual(['Ports run from 1 to 65535.']);
    expect(port.safeParse(22.5).success).toBe(false);
    expect(port.safeParse('22').success).toBe(false);
  });
});

describe('text the technician types', () => {
  it('a name: trimmed, 1 to 64 characters, no control characters', () => {
    expect(label.parse('  Carrier A  ')).toBe('Carrier A');
    expect(label.parse('x'.repeat(64))).toHaveLength(64);
    expect(label.parse(' é ☎ ')).toBe('é ☎');
    expect(refusals(label, '   ')).toEqual(['Give it a name.']);
    expect(refusals(label, 'x'.repeat(65))).toEqual(['Keep the name under 64 characters.']);
    // Trimmed first: spaces around a 64-character name do not count.
    expect(label.parse(` ${'x'.repeat(64)} `)).toHaveLength(64);
    for (const c of CONTROL) {
      expect(refusals(label, `a${c}b`), JSON.stringify(c)).toEqual(['The name has control characters.']);
    }
  });

  it('a user name: kept as typed, 1 to 128 characters, no control characters', () => {
    expect(username.parse(' admin ')).toBe(' admin ');
    expect(username.parse('u'.repeat(128))).toHaveLength(128);
    expect(refusals(username, '')).toEqual(['Enter the user name.']);
    expect(refusals(username, 'u'.repeat(129))).toEqual(['That user name is too long.']);
    for (const c of CONTROL) {
      expect(refusals(username, `ad${c}min`), JSON.stringify(c)).toEqual(['The user name has control characters.']);
    }
  });

  it('a secret: anything up to 1024 characters, an empty one too', () => {
    expect(secret.parse('')).toBe('');
    expect(secret.parse(' p\u0000ss ')).toBe(' p\u0000ss ');
    expect(secret.parse('s'.repeat(1024))).toHaveLength(1024);
    expect(refusals(secret, 's'.repeat(1025))).toEqual(['That secret is too long.']);
  });

  it('an identifier: 1 to 64 letters, digits, - or _', () => {
    for (const ok of ['r1', 'A-b_9', 'x'.repeat(64)]) expect(id.parse(ok)).toBe(ok);
    for (const bad of ['', 'x'.repeat(65), 'a b', 'a/b', '../x', 'a.b', 'a\n', 'é']) {
      expect(refusals(id, bad), JSON.stringify(bad)).toEqual([
        'An identifier of letters, digits, - or _ was expected.',
      ]);
    }
  });
});

describe('SHA-256 fingerprints', () => {
  const b64 = 'A'.repeat(42) + 'Q';
  const hex = 'ab'.repeat(32);
  const pairs = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0')).join(':');

  it("in OpenSSH's SHA256: form, as 64 hex digits, or as 32 hex pairs with colons, trimmed", () => {
    for (const ok of [`SHA256:${b64}`, `SHA256:${b64}=`, hex, hex.toUpperCase(), pairs, pairs.toUpperCase()]) {
      expect(sha256Fingerprint.parse(` ${ok} `), ok).toBe(ok);
    }
  });

  it('refuses each form one character short or long, or with anything around it', () => {
    const MESSAGE = ['A SHA-256 fingerprint was expected.'];
    for (const bad of [
      `SHA256:${b64.slice(1)}`,
      `SHA256:${b64}A`,
      `SHA256:${b64}==`,
      `sha256:${b64}`,
      `SHA1:${b64}`,
      `xSHA256:${b64}`,
      `SHA1:SHA256:${b64}`,
      `MD5:${b64}`,
      hex.slice(1),
      `${hex}a`,
      `${hex.slice(1)}g`,
      pairs.slice(3),
      `${pairs}:00`,
      pairs.replace(/:/g, '-'),
      `x${hex}`,
      `${hex}\nx`,
      `x\n${hex}`,
      `${pairs}\n`.repeat(2),
      '',
    ]) {
      expect(refusals(sha256Fingerprint, bad), bad).toEqual(MESSAGE);
    }
  });
});

describe('the router login', () => {
  const router = { host: '192.168.88.1', username: 'admin', password: '' };

  it('uses API-SSL unless told otherwise, and takes the certificate answers it knows', () => {
    expect(routerTarget.parse(router)).toEqual({ ...router, tls: true });
    expect(routerTarget.parse({ ...router, tls: false, port: 8728 })).toMatchObject({ tls: false, port: 8728 });
    for (const answer of ['ssh-certificate', 'anonymous', 'make-certificate']) {
      expect(routerTarget.parse({ ...router, noCertificate: answer }).noCertificate).toBe(answer);
    }
    expect(routerTarget.safeParse({ ...router, noCertificate: 'ignore' }).success).toBe(false);
    expect(
      routerTarget.parse({
        ...router,
        sshPort: 2222,
        sshHostKey: `SHA256:${'B'.repeat(43)}`,
        fingerprint: 'ab'.repeat(32),
      }),
    ).toMatchObject({ sshPort: 2222, sshHostKey: `SHA256:${'B'.repeat(43)}` });
  });

  it('refuses a field it does not know, and each field outside its rule', () => {
    expect(routerTarget.safeParse({ ...router, insecure: true }).success).toBe(false);
    expect(refusals(routerTarget, { ...router, port: 0 })).toEqual(['Ports run from 1 to 65535.']);
    expect(refusals(routerTarget, { ...router, sshPort: 70000 })).toEqual(['Ports run from 1 to 65535.']);
    expect(refusals(routerTarget, { ...router, fingerprint: 'ab' })).toEqual(['A SHA-256 fingerprint was expected.']);
    expect(refusals(routerTarget, { ...router, sshHostKey: 'ab' })).toEqual(['A SHA-256 fingerprint was expected.']);
    expect(refusals(routerTarget, { ...router, username: '' })).toEqual(['Enter the user name.']);
    expect(refusals(routerTarget, { ...router, password: 'p'.repeat(1025) })).toEqual(['That secret is too long.']);
    expect(routerTarget.safeParse({ username: 'admin', password: '' }).success).toBe(false);
  });
});

describe('the PBX login', () => {
  const pbx = { host: 'pbx.example.net', username: 'root', auth: { kind: 'agent' } };

  it('uses SSH port 22 unless told otherwise', () => {
    expect(pbxTarget.parse(pbx)).toEqual({ ...pbx, port: 22 });
    expect(pbxTarget.parse({ ...pbx, port: 2222, sudoPassword: 's', hostKey: 'ab'.repeat(32) })).toMatchObject({
      port: 2222,
      sudoPassword: 's',
    });
    expect(pbxTarget.safeParse({ ...pbx, shell: '/bin/sh' }).success).toBe(false);
    expect(refusals(pbxTarget, { ...pbx, hostKey: 'x' })).toEqual(['A SHA-256 fingerprint was expected.']);
  });

  it('logs in by password, key (with an optional passphrase) or agent, nothing else', () => {
    expect(sshAuth.parse({ kind: 'password', password: 'x' })).toEqual({ kind: 'password', password: 'x' });
    expect(sshAuth.parse({ kind: 'key', privateKey: 'k' })).toEqual({ kind: 'key', privateKey: 'k' });
    expect(sshAuth.parse({ kind: 'key', privateKey: 'k'.repeat(64 * 1024), passphrase: 'p' })).toMatchObject({
      passphrase: 'p',
    });
    expect(sshAuth.parse({ kind: 'agent' })).toEqual({ kind: 'agent' });
    for (const bad of [
      { kind: 'key', privateKey: '' },
      { kind: 'key', privateKey: 'k'.repeat(64 * 1024 + 1) },
      { kind: 'key', privateKey: 'k', passphrase: 'p'.repeat(1025) },
      { kind: 'password' },
      { kind: 'password', password: 'x', privateKey: 'k' },
      { kind: 'agent', password: 'x' },
      { kind: 'kerberos' },
    ]) {
      expect(sshAuth.safeParse(bad).success, JSON.stringify(bad).slice(0, 60)).toBe(false);
    }
  });
});

describe("the PBX's peers question", () => {
  const pbx = { host: '192.168.88.10', username: 'root', auth: { kind: 'agent' } };

  it('takes the LAN and up to 1280 allowed sources, each an address or range', () => {
    expect(peersInput.parse({ pbx })).toEqual({ pbx: { ...pbx, port: 22 } });
    const allowed = Array.from({ length: 1280 }, (_, i) => `10.${i >> 8}.${i & 255}.1`);
    expect(peersInput.parse({ pbx, lan: '192.168.88.0/24', allowed }).allowed).toHaveLength(1280);
    expect(peersInput.safeParse({ pbx, allowed: [...allowed, '10.9.9.9'] }).success).toBe(false);
    expect(refusals(peersInput, { pbx, lan: '192.168.88.0/40' })).toEqual([
      'Enter an IPv4 address or a range such as 198.51.100.0/24.',
    ]);
    expect(peersInput.safeParse({ pbx, wan: '203.0.113.2' }).success).toBe(false);
  });

  it('a peer is a name and an address, nothing more', () => {
    expect(peer.parse({ name: ' Carrier ', address: ' 198.51.100.0/24 ' })).toEqual({
      name: 'Carrier',
      address: '198.51.100.0/24',
    });
    expect(peer.safeParse({ name: 'Carrier', address: '198.51.100.1', port: 5060 }).success).toBe(false);
    expect(refusals(peer, { name: '', address: '198.51.100.1' })).toEqual(['Give it a name.']);
  });

  it("a peer's address may be a host name, kept in lower case; a mistake is named in one sentence", () => {
    expect(peer.parse({ name: 'Carrier', address: ' SIP.Example.COM ' }).address).toBe('sip.example.com');
    expect(refusals(peer, { name: 'Carrier', address: 'sip:sip.example.com' })).toEqual([
      'Give the host name alone, without "sip:", a port, a user or a path (such as sip.example.com).',
    ]);
    expect(refusals(peer, { name: 'Carrier', address: '198.51.100.0/33' })).toEqual(['A range ends in /0 to /32.']);
    expect(peer.safeParse({ name: 'Carrier', address: 'sip.example.com' }).error?.issues).toBeUndefined();
    expect(peer.safeParse({ name: 'Carrier', address: ' ' }).error?.issues).toMatchObject([
      { code: 'custom', path: ['address'], message: 'Enter an address, a range or a host name.' },
    ]);
  });
});

describe('site options', () => {
  it('start safe: no web GUI, no hairpin, Proxy Media, every bypass-media extension, a 5-minute revert, no open forwards', () => {
    expect(siteOptions.parse({})).toEqual({
      webGui: false,
      hairpin: false,
      mediaMode: 'proxy',
      extensions: [],
      revertMinutes: 5,
      allowAnySource: false,
    });
    expect(DEFAULT_REVERT_MINUTES).toBe(5);
  });

  it('keep what the technician chose, within the limits', () => {
    const chosen = {
      webGui: true,
      hairpin: true,
      mediaMode: 'leave',
      extensions: ['1001', 'x'.repeat(64)],
      revertMinutes: 60,
      allowAnySource: true,
      publicIp: '203.0.113.2',
    };
    expect(siteOptions.parse(chosen)).toEqual(chosen);
    expect(siteOptions.parse({ mediaMode: 'proxy' }).mediaMode).toBe('proxy');
    expect(siteOptions.parse({ mediaMode: 'default', revertMinutes: 1 })).toMatchObject({
      mediaMode: 'default',
      revertMinutes: 1,
    });
    expect(siteOptions.parse({ extensions: Array(5000).fill('1001') }).extensions).toHaveLength(5000);
    for (const bad of [
      { mediaMode: 'bypass' },
      { revertMinutes: 0 },
      { revertMinutes: 61 },
      { revertMinutes: 2.5 },
      { extensions: ['x'.repeat(65)] },
      { extensions: Array(5001).fill('1001') },
      { publicIp: '203.0.113.0/24' },
      { dryRun: true },
    ]) {
      expect(siteOptions.safeParse(bad).success, JSON.stringify(bad).slice(0, 60)).toBe(false);
    }
  });
});

describe('site inputs', () => {
  const base = {
    router: { host: '192.168.88.1', username: 'admin', password: '' },
    pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'x' } },
    trunks: [{ name: 'Carrier A', address: '198.51.100.0/24' }],
    phones: [{ name: 'Home office', address: '192.0.2.20' }],
    options: {},
  };
  const peers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `p${i}`, address: `192.0.2.${i & 255}` }));

  it('take up to 256 trunks and 1024 phones, and an optional site name and ticket, trimmed', () => {
    expect(siteInputs.parse({ ...base, trunks: peers(256), phones: peers(1024) }).phones).toHaveLength(1024);
    expect(siteInputs.safeParse({ ...base, trunks: peers(257) }).success).toBe(false);
    expect(siteInputs.safeParse({ ...base, phones: peers(1025) }).success).toBe(false);
    expect(siteInputs.parse({ ...base, site: { name: ' Dental Clinic ', ticket: ' T-1 ' } }).site).toEqual({
      name: 'Dental Clinic',
      ticket: 'T-1',
    });
    expect(
      siteInputs.parse({ ...base, site: { name: 'n'.repeat(100), ticket: 't'.repeat(100) } }).site?.name,
    ).toHaveLength(100);
    expect(refusals(siteInputs, { ...base, site: { name: '  ' } })).toEqual(['Name the customer or site.']);
    for (const site of [{ name: 'n'.repeat(101) }, { name: 'n', ticket: 't'.repeat(101) }, { name: 'n', owner: 'x' }]) {
      expect(siteInputs.safeParse({ ...base, site }).success, JSON.stringify(site).slice(0, 40)).toBe(false);
    }
    expect(siteInputs.safeParse({ ...base, extra: 1 }).success).toBe(false);
  });

  it('refuse sources that together open the PBX to a large part of the Internet, at the widest one', () => {
    const open = siteInputs.safeParse({
      ...base,
      trunks: [{ name: 'Carrier A', address: '198.51.100.0/24' }],
      phones: [
        { name: 'Home office', address: '192.0.2.20' },
        { name: 'Everyone', address: '0.0.0.0/1' },
        { name: 'Everyone else', address: '128.0.0.0/1' },
      ],
    });
    expect(open.error?.issues).toEqual([
      {
        code: 'custom',
        path: ['phones', 1, 'address'],
        message:
          "The allowed addresses cover 4,294,967,296 addresses, a large part of the Internet; list the provider's and phones' addresses, or accept the risk explicitly.",
      },
    ]);
  });

  it('name the widest source wherever it is listed, and count overlapping ones once', () => {
    const wide = siteInputs.safeParse({
      ...base,
      trunks: [
        { name: 'Small', address: '198.51.100.0/24' },
        { name: 'Wide', address: '10.0.0.0/8' },
        { name: 'Inside it', address: '10.1.0.0/16' },
      ],
    });
    expect(wide.error?.issues).toHaveLength(1);
    expect(wide.error?.issues[0]?.path).toEqual(['trunks', 1, 'address']);
    // 10.0.0.0/8 and 198.51.100.0/24 and the phone 192.0.2.20: 16,777,216 + 256 + 1.
    expect(wide.error?.issues[0]?.message).toMatch(/^The allowed addresses cover 16,777,473 addresses, /);
  });

  it('take sources short of that share, and any sources once the technician accepts the risk', () => {
    const narrow = { ...base, trunks: [{ name: 'Almost', address: '11.0.0.0/9' }] };
    expect(siteInputs.safeParse(narrow).success).toBe(true);
    const accepted = {
      ...base,
      trunks: [{ name: 'Everyone', address: '0.0.0.0/0' }],
      options: { allowAnySource: true },
    };
    expect(siteInputs.parse(accepted).trunks[0]?.address).toBe('0.0.0.0/0');
    expect(siteInputs.safeParse({ ...accepted, options: {} }).success).toBe(false);
  });

  it("count a host name toward no range: the router resolves it to the provider's own addresses", () => {
    const named = { ...base, trunks: [{ name: 'Carrier', address: 'sip.example.com' }] };
    expect(siteInputs.safeParse(named).success).toBe(true);
    const open = siteInputs.safeParse({ ...named, phones: [{ name: 'Everyone', address: '0.0.0.0/0' }] });
    expect(open.error?.issues[0]?.path).toEqual(['phones', 0, 'address']);
    expect(open.error?.issues[0]?.message).toMatch(/^The allowed addresses cover 4,294,967,296 addresses/);
  });
});
