/**
 * The vars.xml a PBX restore writes. vars.xml is run, not read: every line
 * holding `<X-PRE-PROCESS` is a command to FreeSWITCH (switch_xml.c:1525), so a
 * snapshot's file is written back byte for byte only when it differs from the
 * PBX's own file in nothing but the wizard's variables (external_rtp_ip and
 * external_sip_ip `set` lines) and blank lines, comments and the <include>
 * wrapper. Otherwise the PBX's own file is kept and only those lines are set
 * to the values of the restored rows; when that cannot be done line for line
 * (a line to add or drop) the file is rendered from the rows as FS PBX writes
 * it, under vars-xml.ts's rules. Pure.
 */
import { err, ok, type Result } from '../../../contract/errors';
import type { RollbackFlag } from '../../../contract/types';
import { MANAGED_VARS } from '../plan/managed';
import type { PbxState } from '../model/state';
import { renderVarsXml, unsafeVarsText, type RenderedVarsXml } from '../plan/vars-xml';

const MANAGED_LINE = /^(\s*)<X-PRE-PROCESS cmd="set" data="([A-Za-z0-9_]+)=([^"]*)" \/>(\s*)$/;
const INERT = /^\s*(<include>|<\/include>|<!--[^<>&"]*-->)?\s*$/;

function managedLine(line: string): { name: string; value: string } | undefined {
  const m = MANAGED_LINE.exec(line);
  if (!m || !MANAGED_VARS.includes(m[2]!) || unsafeVarsText(m[3]!)) return undefined;
  return { name: m[2]!, value: m[3]! };
}

const SET_LINE = /^<X-PRE-PROCESS cmd="set" data="([^"=]+)=([^"]*)" \/>$/;

/** The lines that do something, managed ones left out, trimmed; undefined when a line is neither a directive nor inert. */
function directives(xml: string): string[] | undefined {
  const out: string[] = [];
  for (const line of xml.split('\n')) {
    if (managedLine(line)) continue;
    if (/X-PRE-PROCESS/i.test(line)) out.push(line.trim());
    else if (!INERT.test(line)) return undefined;
  }
  return out;
}

/**
 * The snapshot's file may be written back: every line is inert, one of the wizard's, a line the
 * PBX's own file holds, or a plain `set` of a value the PBX's own v_vars holds; and every command
 * line of the PBX's own file (exec-set…) is kept. It then does nothing the PBX does not already say.
 */
export function snapshotFileMayReturn(snapshotXml: string, current: PbxState): boolean {
  if (current.varsXml === null) return false;
  const then = directives(snapshotXml);
  const now = directives(current.varsXml);
  if (then === undefined || now === undefined) return false;
  // The wrapper may come and go (FS PBX writes the file without it, its install template with it), but whole.
  const count = (tag: string) => snapshotXml.split('\n').filter((l) => l.trim() === tag).length;
  if (count('<include>') > 1 || count('<include>') !== count('</include>')) return false;
  const own = new Set(now);
  const inRows = (line: string): boolean => {
    const m = SET_LINE.exec(line);
    return (
      m !== null &&
      !unsafeVarsText(m[1]!) &&
      !unsafeVarsText(m[2]!) &&
      current.vars.some((v) => v.var_name === m[1] && v.var_value === m[2])
    );
  };
  const kept = new Set(then);
  return (
    then.every((line) => own.has(line) || inRows(line)) && now.every((line) => SET_LINE.test(line) || kept.has(line))
  );
}

/** The PBX's own file with its managed lines set to `wanted` (in order); undefined when the counts differ. */
function editManagedLines(currentXml: string, wanted: readonly { name: string; value: string }[]): string | undefined {
  let next = 0;
  const lines = currentXml.split('\n').map((line) => {
    const found = managedLine(line);
    if (!found) return line;
    const want = wanted[next++];
    if (!want || want.name !== found.name) return undefined;
    const m = MANAGED_LINE.exec(line)!;
    return `${m[1]}<X-PRE-PROCESS cmd="set" data="${want.name}=${want.value}" />${m[4]}`;
  });
  if (next !== wanted.length || lines.some((l) => l === undefined)) return undefined;
  return lines.join('\n');
}

export interface RestoredVarsXml extends RenderedVarsXml {
  flags: RollbackFlag[];
}

/** `after` is the PBX's state once the restore's row changes are made. */
export function restoredVarsXml(snapshot: PbxState, current: PbxState, after: PbxState): Result<RestoredVarsXml> {
  if (snapshot.varsXml !== null && snapshotFileMayReturn(snapshot.varsXml, current)) {
    return ok({ xml: snapshot.varsXml, warnings: [], flags: [] });
  }
  const flags: RollbackFlag[] = [];
  if (snapshot.varsXml !== null) {
    // What the snapshot's file would have run that the PBX's own does not: never written, said first.
    const own = new Set((current.varsXml ?? '').split('\n').map((l) => l.trim()));
    const extra = snapshot.varsXml
      .split('\n')
      .filter((l) => /X-PRE-PROCESS/i.test(l) && !managedLine(l) && !own.has(l.trim()));
    if (extra.length > 0) {
      const commands = extra.some((l) => !/cmd="set"/.test(l));
      flags.push({
        target: 'pbx',
        subject: '/etc/freeswitch/vars.xml',
        change: `the snapshot’s file holds ${extra.length} line${extra.length === 1 ? '' : 's'} the PBX’s own does not`,
        consequence: `Not restored: not managed by the wizard. ${
          commands
            ? 'They run commands on the PBX (exec-set runs a shell command as the FreeSWITCH user at every reloadxml).'
            : 'They set switch variables the wizard does not manage.'
        } The PBX keeps its own file; only external_rtp_ip and external_sip_ip are set back.`,
        restored: false,
        serious: commands,
      });
    }
  }
  const managedRows = after.vars.filter((v) => MANAGED_VARS.includes(v.var_name ?? ''));
  const managed = renderVarsXml(managedRows, current.switchname, current.varsXml);
  if (!managed.ok) return managed;
  const wanted = managed.value.xml.split('\n').flatMap((l) => managedLine(l) ?? []);
  const edited = current.varsXml === null ? undefined : editManagedLines(current.varsXml, wanted);
  if (edited !== undefined) return ok({ xml: edited, warnings: [], flags });
  const rendered = renderVarsXml(after.vars, current.switchname, current.varsXml);
  if (!rendered.ok) return err(rendered.error);
  return ok({ ...rendered.value, flags });
}
