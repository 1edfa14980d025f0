import { describe, expect, it } from 'vitest';
import { fsCliText } from '../../../electron/pbx/session/batch';

const said = (stdout: string, code = 0) => ({ code, stdout, stderr: '' });

describe("fs_cli's answer to one question", () => {
  it('is the empty string when FreeSWITCH answered with nothing (fs_cli prints -ERR no reply, as 1.10.12 did)', () => {
    // user_data of an unset variable: the extension's media is FS PBX's default, not "no answer".
    expect(fsCliText(said('-ERR no reply\n\n'))).toBe('');
  });

  it('is the text printed when there is one', () => {
    expect(fsCliText(said('true\n'))).toBe('true\n');
  });

  it('is no answer at all when fs_cli failed or FreeSWITCH refused', () => {
    expect(fsCliText(undefined)).toBeUndefined();
    expect(fsCliText(said('', 1))).toBeUndefined();
    expect(fsCliText(said('-ERR no such command\n'))).toBeUndefined();
    expect(fsCliText(said('[ERROR] fs_cli.c:1699 main() Error Connecting []\n'))).toBeUndefined();
    // Not the empty reply: an error that merely starts the same way.
    expect(fsCliText(said('-ERR no reply from the gateway\n'))).toBeUndefined();
  });
});
