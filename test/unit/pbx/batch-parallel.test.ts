/**
 * A batch's fs_cli questions are asked side by side, at most BATCH_PARALLEL at a time, and every
 * answer comes back framed once under its own name (session/batch.ts). Run by a real POSIX sh
 * with a stand-in fs_cli on PATH that notes how many of it run at once.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_PARALLEL, BATCH_PRELUDE, fsCliLines, fsCliText, parseBatch } from '../../../electron/pbx/session/batch';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-batch-'));
  // Notes how many copies run when it starts, stays a while, and answers with its command.
  writeFileSync(
    join(dir, 'fs_cli'),
    `#!/bin/sh
mkdir "${dir}/running.$$"
ls -d "${dir}"/running.* | wc -l >>"${dir}/seen"
sleep 0.3
rmdir "${dir}/running.$$"
echo "answer to $2"
`,
  );
  chmodSync(join(dir, 'fs_cli'), 0o755);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function ask(commands: string[]) {
  const script = `${BATCH_PRELUDE}${fsCliLines(commands)}`;
  const run = spawnSync('sh', ['-c', script, 'sh', 'nonce1'], {
    env: { PATH: `${dir}:/usr/bin:/bin` },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { answers: parseBatch(run.stdout, 'nonce1'), seen: readFileSync(join(dir, 'seen'), 'utf8') };
}

describe('a batch of fs_cli questions', () => {
  it('answers every question once, under its own name, however many there are', () => {
    const commands = Array.from({ length: BATCH_PARALLEL * 2 + 1 }, (_, i) => `user_data 10${i}@pbx var proxy_media`);
    const { answers } = ask(commands);
    expect([...answers.keys()].sort()).toEqual(commands.map((_, i) => `fs${i}`).sort());
    commands.forEach((command, i) => expect(fsCliText(answers.get(`fs${i}`))?.trim()).toBe(`answer to ${command}`));
  });

  it(`never runs more than ${BATCH_PARALLEL} at once, and runs them side by side`, () => {
    const { seen } = ask(Array.from({ length: BATCH_PARALLEL * 2 }, (_, i) => `sofia status gateway gw${i}`));
    const counts = seen.trim().split('\n').map(Number);
    expect(counts).toHaveLength(BATCH_PARALLEL * 2);
    expect(Math.max(...counts)).toBeLessThanOrEqual(BATCH_PARALLEL);
    expect(Math.max(...counts)).toBeGreaterThan(1);
  });
});
