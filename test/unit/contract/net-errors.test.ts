/** Connection failures named by their cause, and near-addresses refused as typos before any lookup. */
import { describe, expect, it } from 'vitest';
import { hostProblem } from '../../../contract/host-input';
import {
  causeWords,
  connectionError,
  netCause,
  pbxLoginRefused,
  pbxSshService,
  routerApiService,
} from '../../../contract/net-errors';
import { routerTarget } from '../../../contract/schemas';

describe('netCause', () => {
  it.each([
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND nonexistent.invalid' }, 'dns'],
    [{ code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN pbx.example' }, 'dns'],
    [{ code: 'EHOSTUNREACH' }, 'unreachable'],
    [{ code: 'ENETUNREACH' }, 'unreachable'],
    [{ code: 'ETIMEDOUT' }, 'timeout'],
    [{ message: 'Timed out while waiting for handshake' }, 'timeout'],
    [{ code: 'ECONNREFUSED' }, 'refused'],
    [{ code: 'ECONNRESET' }, 'reset'],
    [{ code: 'closed', message: 'The router closed the API connection.' }, 'reset'],
    [{ message: 'Connection lost before handshake' }, 'reset'],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number' }, 'tls'],
    [{ code: 'EWHATEVER', message: 'odd' }, 'other'],
  ] as const)('%o is %s', (failure, cause) => {
    expect(netCause(failure)).toBe(cause);
  });

  it('never gives the technician a bare errno word', () => {
    for (const code of ['EHOSTUNREACH', 'ENETUNREACH', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT']) {
      expect(causeWords({ code, message: `connect ${code} 203.0.113.1:5061` })).not.toMatch(/\bE[A-Z_]{4,}\b/);
    }
  });
});

describe('connectionError', () => {
  const api = routerApiService('192.168.88.1', 8729, true);
  it('names the fix of each cause', () => {
    expect(connectionError(routerApiService('nonexistent.invalid', 8729, true), { code: 'ENOTFOUND' }).message).toMatch(
      /^The name "nonexistent\.invalid" does not resolve/,
    );
    expect(connectionError(api, { code: 'EHOSTUNREACH' }).message).toMatch(/cannot be reached from this laptop/);
    expect(connectionError(api, { code: 'ETIMEDOUT' })).toMatchObject({ code: 'timeout' });
    expect(connectionError(api, { code: 'ECONNREFUSED' }).message).toMatch(
      /refused the connection: nothing listens on port 8729 there\. Either API-SSL is off or on another port \(WinBox › IP › Services › api-ssl\), or 192\.168\.88\.1 is not the router/,
    );
    expect(connectionError(api, { code: 'ECONNRESET' }).message).toMatch(
      /accepted the connection and closed it at once: either 192\.168\.88\.1 is another device, not the router, or .*"Available From".*\/ip service set api-ssl address=/,
    );
    expect(connectionError(pbxSshService('192.168.88.10', 22), { code: 'ECONNRESET' }).message).toMatch(/fail2ban/);
  });

  it('keeps the errno in the detail, for the log and the "details" line', () => {
    expect(connectionError(api, { code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN x' }).detail).toBe(
      'EAI_AGAIN: getaddrinfo EAI_AGAIN x',
    );
  });
});

describe('pbxLoginRefused', () => {
  it("names Debian's PermitRootLogin and the sudo-user way for root with a password", () => {
    expect(pbxLoginRefused('root', 'password')).toMatch(/PermitRootLogin prohibit-password.*sudo user/);
    expect(pbxLoginRefused('tech', 'password')).not.toMatch(/PermitRootLogin/);
    expect(pbxLoginRefused('root', 'key')).not.toMatch(/PermitRootLogin/);
  });
});

describe('hostProblem', () => {
  it.each([
    ['192.168.88.1', ''],
    ['router.lan', ''],
    ['pbx', ''],
    ['192.168.88.1o', '192.168.88.1o is not an IPv4 address: "1o" should be a number from 0 to 255. Check for a typo.'],
    [
      '192.168.88.300',
      '192.168.88.300 is not an IPv4 address: "300" should be a number from 0 to 255. Check for a typo.',
    ],
    [
      '192.168.88',
      '192.168.88 is not an IPv4 address: it has 3 parts between dots, an address has 4 (such as 192.168.88.1).',
    ],
    [
      '192,168,88,1',
      '"192,168,88,1" is neither an IPv4 address nor a host name: type an address such as 192.168.88.1.',
    ],
  ])('%s', (text, problem) => {
    expect(hostProblem(text)).toBe(problem);
  });

  it('is the contract check: a typo is refused with its own sentence before any lookup', () => {
    const parsed = routerTarget.safeParse({ host: '192.168.88.1o', username: 'admin', password: 'x' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/"1o" should be a number/);
  });
});
