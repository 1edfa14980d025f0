/** ARCHITECTURE.md's picture of pbx/'s rooms is the tree as it is: drawn from the imports, compared line by line. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { roomsPicture } from '../../../build/rooms-picture.mjs';

describe("the picture of pbx/'s rooms", () => {
  it('in ARCHITECTURE.md is the one the tree draws now', () => {
    const doc = readFileSync(join(__dirname, '../../../ARCHITECTURE.md'), 'utf8');
    const picture = roomsPicture('electron/pbx');
    expect(picture.split('\n').length).toBeGreaterThan(8);
    for (const line of picture.split('\n')) expect(doc).toContain(line.trimEnd());
  });

  it('shows no import running back up: each room imports only rooms drawn above it', () => {
    const lines = roomsPicture('electron/pbx').split('\n').slice(1);
    const rooms = lines.map((l) => l.trim().split(/\s+/)[0]);
    lines.forEach((line, i) => {
      const imported = (line.split('← ')[1] ?? '').split(', ').map((part) => part.split(' ')[0]);
      for (const room of imported.filter((r) => rooms.includes(r))) {
        expect(rooms.indexOf(room), `${rooms[i]} imports ${room}`).toBeLessThan(i);
      }
    });
  });
});
