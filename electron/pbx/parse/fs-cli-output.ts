/**
 * What fs_cli's answers mean, read line by line. FreeSWITCH prints failures
 * in the middle of otherwise cheerful output: `reloadxml` always starts with
 * `+OK` (the error is inside the brackets), a rescan prints `Reload XML [...]`
 * and then `+OK scan complete` or `-ERR …`, a restart returns at once with
 * `restarting: <name>`. Sources: signalwire/freeswitch @ cc93a683,
 * mod_commands.c:2853-2861 (reloadxml), mod_sofia.c:3623-3634 (rescan),
 * :3756-3789 (stop/restart), :3561-3572 (start). Pure.
 */

export type FsCliVerdict = { ok: true } | { ok: false; why: string };

const OK: FsCliVerdict = { ok: true };

function lines(output: string): string[] {
  return output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** `Reload XML [<text>]` lines: anything but Success is a broken XML tree. */
function reloadProblem(all: string[]): string | undefined {
  for (const line of all) {
    const m = /^Reload XML \[(.*)\]$/.exec(line);
    if (m && m[1] !== 'Success') return `the XML did not load (${m[1]})`;
  }
  return undefined;
}

function errorLine(all: string[]): string | undefined {
  return all.find((l) => /^(-ERR\b|\[ERROR\])|^Invalid (Profile|Args|Gateway)|^Failure |^Unknown Command/.test(l));
}

/** The verdict on one fs_cli answer, from the command it answers. */
export function fsCliVerdict(command: string, output: string): FsCliVerdict {
  const all = lines(output);
  if (command === 'reloadxml') {
    // mod_commands.c:2853-2861: "+OK [Success]" exactly; "+OK [<error>]" otherwise.
    return all.length === 1 && all[0] === '+OK [Success]'
      ? OK
      : { ok: false, why: `reloadxml answered "${all.join(' ').slice(0, 300)}"` };
  }
  if (/^memcache delete /.test(command)) {
    // A key already gone is what we wanted.
    return all.some((l) => l === '+OK' || l === '-ERR NOT FOUND' || l === '+OK deleted')
      ? OK
      : { ok: false, why: `memcache answered "${all.join(' ').slice(0, 300)}"` };
  }
  if (/^sofia profile \S+ killgw \S+$/.test(command)) {
    // mod_sofia.c:3584-3603: a gateway already gone is what we wanted.
    return all.some((l) => l === '+OK gateway marked for deletion.' || l === '-ERR no such gateway.')
      ? OK
      : { ok: false, why: `killgw answered "${all.join(' ').slice(0, 300)}"` };
  }
  const profile = /^sofia profile (\S+) (rescan|restart|start|stop)$/.exec(command);
  if (profile) {
    const [, name, action] = profile;
    const bad = reloadProblem(all) ?? errorLine(all);
    if (bad) return { ok: false, why: bad };
    const wanted =
      action === 'rescan'
        ? '+OK scan complete'
        : action === 'restart'
          ? `restarting: ${name}`
          : action === 'stop'
            ? `stopping: ${name}`
            : `${name} started successfully`;
    return all.includes(wanted) ? OK : { ok: false, why: `no "${wanted}" in the answer` };
  }
  const bad = errorLine(all);
  return bad === undefined ? OK : { ok: false, why: bad };
}

/** A restart refused because the profile started less than 10 s ago (mod_sofia.c:3760-3763). */
export const RESTART_REFUSED = 'must be up for at least 10 seconds';
