/**
 * The verdict on each fs_cli answer the apply meets (fs-cli-output.ts), with the lines FreeSWITCH
 * prints (signalwire/freeswitch @ cc93a683: mod_sofia.c:3561-3572 start, :3584-3603 killgw,
 * :3623-3634 rescan, :3756-3789 stop and restart; mod_commands.c:2853-2861 reloadxml) and the
 * failure lines its API commands print (`-ERR …`, `Invalid Profile`, `Unknown Command`).
 */
import { describe, expect, it } from 'vitest';
import { fsCliVerdict } from '../../../electron/pbx/parse/fs-cli-output';

const ok = { ok: true };

describe('sofia profile commands', () => {
  it('start, stop and restart pass on their own line for that profile, after a good reload', () => {
    expect(
      fsCliVerdict('sofia profile external start', 'Reload XML [Success]\nexternal started successfully\n'),
    ).toEqual(ok);
    expect(fsCliVerdict('sofia profile external stop', 'stopping: external\n')).toEqual(ok);
    expect(fsCliVerdict('sofia profile external restart', 'Reload XML [Success]\r\nrestarting: external\r\n')).toEqual(
      ok,
    );
  });

  it('fail without that line, naming the line they wanted', () => {
    expect(fsCliVerdict('sofia profile external start', 'Reload XML [Success]\n')).toEqual({
      ok: false,
      why: 'no "external started successfully" in the answer',
    });
    expect(fsCliVerdict('sofia profile external stop', 'stopping: internal\n')).toEqual({
      ok: false,
      why: 'no "stopping: external" in the answer',
    });
    expect(fsCliVerdict('sofia profile internal rescan', 'Reload XML [Success]\n')).toEqual({
      ok: false,
      why: 'no "+OK scan complete" in the answer',
    });
  });

  it('name a broken XML tree before anything else the answer says', () => {
    expect(
      fsCliVerdict('sofia profile internal rescan', 'Reload XML [[error near line 3]: bad]\n+OK scan complete\n'),
    ).toEqual({
      ok: false,
      why: 'the XML did not load ([error near line 3]: bad)',
    });
    // Only a whole "Reload XML [...]" line counts as the reload's verdict.
    expect(fsCliVerdict('sofia profile internal rescan', 'x Reload XML [oops]\n+OK scan complete\n')).toEqual(ok);
    expect(fsCliVerdict('sofia profile internal rescan', 'Reload XML [oops] x\n+OK scan complete\n')).toEqual(ok);
  });

  it('fail on each failure line FreeSWITCH prints, quoting it', () => {
    for (const line of [
      '-ERR cannot find config for profile internal',
      '[ERROR] sofia.c:1234 something',
      'Invalid Profile [internal]',
      'Invalid Args [x]',
      'Invalid Gateway!',
      'Failure starting internal',
      'Unknown Command [foo]',
    ]) {
      expect(
        fsCliVerdict('sofia profile internal rescan', `Reload XML [Success]\n${line}\n+OK scan complete\n`),
      ).toEqual({
        ok: false,
        why: line,
      });
    }
  });

  it('do not take a word that only starts like a failure for one', () => {
    for (const line of [
      '-ERRATA noted',
      'Failures: 0',
      'note: -ERR later',
      'note: Invalid Profile later',
      'no Failure here',
      'an Unknown Command was not sent',
    ]) {
      expect(fsCliVerdict('sofia profile internal rescan', `${line}\n+OK scan complete\n`)).toEqual(ok);
    }
  });
});

describe('other commands', () => {
  it('reloadxml passes only on "+OK [Success]" alone, and quotes at most 300 characters of anything else', () => {
    expect(fsCliVerdict('reloadxml', '\n  +OK [Success]  \r\n')).toEqual(ok);
    expect(fsCliVerdict('reloadxml', '+OK [a]\n+OK [b]\n')).toEqual({
      ok: false,
      why: 'reloadxml answered "+OK [a] +OK [b]"',
    });
    expect(fsCliVerdict('reloadxml', '+OK [Success]\n+OK [Success]\n').ok).toBe(false);
    const long = `+OK [${'x'.repeat(400)}]`;
    const verdict = fsCliVerdict('reloadxml', long);
    expect(verdict).toEqual({ ok: false, why: `reloadxml answered "${long.slice(0, 300)}"` });
  });

  it('memcache delete passes when the key is deleted or already gone, and quotes anything else', () => {
    for (const answer of ['+OK', '+OK deleted', '-ERR NOT FOUND']) {
      expect(fsCliVerdict('memcache delete directory:1001@pbx', `${answer}\n`)).toEqual(ok);
    }
    expect(fsCliVerdict('memcache delete directory:1001@pbx', '-ERR Connection failure\nretrying\n')).toEqual({
      ok: false,
      why: 'memcache answered "-ERR Connection failure retrying"',
    });
    // The answer may carry other lines around its verdict.
    expect(fsCliVerdict('memcache delete directory:1001@pbx', 'connected\n+OK deleted\n')).toEqual(ok);
    // Only the delete is judged this way; another memcache command is judged by its failure lines.
    expect(fsCliVerdict('memcache flush', '-ERR NOT FOUND\n').ok).toBe(false);
    expect(fsCliVerdict('xmemcache delete k', '-ERR NOT FOUND\n').ok).toBe(false);
  });

  it('killgw passes when the gateway is marked for deletion or already gone, and quotes anything else', () => {
    expect(fsCliVerdict('sofia profile external killgw carrier', '+OK gateway marked for deletion.\n')).toEqual(ok);
    expect(fsCliVerdict('sofia profile external killgw carrier', '-ERR no such gateway.\n')).toEqual(ok);
    expect(fsCliVerdict('sofia profile external killgw carrier', 'Invalid Profile [external]\ntry again\n')).toEqual({
      ok: false,
      why: 'killgw answered "Invalid Profile [external] try again"',
    });
    expect(
      fsCliVerdict('sofia profile external killgw carrier', 'killing\n+OK gateway marked for deletion.\n'),
    ).toEqual(ok);
    // A command that only looks like killgw is judged by failure lines: "-ERR no such gateway." fails it.
    expect(fsCliVerdict('sofia profile external killgw carrier now', '-ERR no such gateway.\n').ok).toBe(false);
    expect(fsCliVerdict('x sofia profile external killgw carrier', '-ERR no such gateway.\n').ok).toBe(false);
  });

  it('anything else passes unless a failure line is in the answer', () => {
    expect(
      fsCliVerdict('sofia status', 'Name Type Data State\ninternal profile sip:mod_sofia@x RUNNING (0)\n'),
    ).toEqual(ok);
    expect(fsCliVerdict('sofia status gateway x', 'Invalid Gateway!\n')).toEqual({
      ok: false,
      why: 'Invalid Gateway!',
    });
    // A profile command with another verb, or around other words, is not judged as one.
    expect(fsCliVerdict('sofia profile internal flush_inbound_reg', '+OK\n')).toEqual(ok);
    expect(fsCliVerdict('sofia profile internal rescan now', '+OK\n')).toEqual(ok);
    expect(fsCliVerdict('x sofia profile internal rescan', '+OK\n')).toEqual(ok);
  });
});
