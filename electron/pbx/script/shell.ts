/**
 * The shell steps of a PBX plan or rollback as a POSIX sh script for the
 * bundle: the same steps the app runs, every value quoted by quote.ts. Pure.
 */
import { ok, type Result } from '../../../contract/errors';
import { shellArg } from './quote';
import type { PbxStep } from '../plan/steps';

function line(parts: (string | Result<string>)[]): Result<string> {
  const out: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') out.push(part);
    else if (!part.ok) return part;
    else out.push(part.value);
  }
  return ok(out.join(''));
}

function stepShell(step: PbxStep): Result<string> {
  switch (step.kind) {
    case 'write-file': {
      const target = shellArg(step.path);
      const temp = shellArg(`${step.path}.fspbx-nat.tmp`);
      const owner = shellArg(`${step.owner}:${step.group}`);
      // Keep the file's owner and mode as they are; a new file gets FS PBX's owner.
      return line([
        "printf '%s' ",
        shellArg(step.content),
        ' > ',
        temp,
        '\n',
        'if [ -e ',
        target,
        ' ]; then chown --reference=',
        target,
        ' ',
        temp,
        ' && chmod --reference=',
        target,
        ' ',
        temp,
        '; else chown ',
        owner,
        ' ',
        temp,
        '; fi\n',
        'mv -f -- ',
        temp,
        ' ',
        target,
      ]);
    }
    case 'delete-cache-file':
      return line(['rm -f -- ', shellArg(step.path)]);
    case 'fs-cli': {
      if (!step.retry) return line(['fs_cli -x ', shellArg(step.command)]);
      const { whileOutputIncludes, attempts, delaySeconds } = step.retry;
      return line([
        'i=0\n',
        'while :; do\n',
        '  out=$(fs_cli -x ',
        shellArg(step.command),
        ' 2>&1) || true\n',
        '  printf \'%s\\n\' "$out"\n',
        '  case "$out" in\n',
        '    *',
        shellArg(whileOutputIncludes),
        `*) i=$((i + 1)); [ "$i" -lt ${attempts} ] || exit 1; sleep ${delaySeconds} ;;\n`,
        '    *) break ;;\n',
        '  esac\n',
        'done',
      ]);
    }
  }
}

export interface ShellOptions {
  title: string;
  /** Run this SQL file first, in one transaction, stopping at the first error. */
  sqlFile?: string;
}

export function renderShell(steps: readonly PbxStep[], options: ShellOptions): Result<string> {
  // eslint-disable-next-line no-control-regex
  const comment = (text: string): string => `# ${text.replace(/[\u0000-\u001f\u007f]/g, ' ')}`;
  const lines = ['#!/bin/sh', comment(options.title), 'set -eu'];
  if (options.sqlFile !== undefined) {
    const file = line(['sudo -u postgres psql -d fusionpbx -v ON_ERROR_STOP=1 -X -q -f ', shellArg(options.sqlFile)]);
    if (!file.ok) return file;
    lines.push(comment('The database changes, in one transaction.'), file.value);
  }
  for (const step of steps) {
    const text = stepShell(step);
    if (!text.ok) return text;
    lines.push(comment(step.why), text.value);
  }
  lines.push('');
  return ok(lines.join('\n'));
}
