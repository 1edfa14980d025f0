// The picture of a domain's rooms and the imports between them, as ARCHITECTURE.md shows it:
// `node build/rooms-picture.mjs` prints it; test/unit/architecture/rooms-picture.test.ts checks
// that ARCHITECTURE.md holds the picture of the tree as it is.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ROOMS } from './layers.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const posix = (p) => p.split(sep).join('/');

function sources(dir) {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = posix(join(dir, e.name));
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

const roomName = (domain, file) => {
  const parts = file.slice(domain.length + 1).split('/');
  return parts.length < 2 ? '(top)' : parts[0];
};

/** The picture of one domain's rooms: files per room, and which earlier rooms each imports (how many imports). */
export function roomsPicture(domain) {
  const rungs = ROOMS[domain];
  const order = [...rungs.flat(), '(top)'];
  const files = sources(domain);
  const rows = order.map((room) => {
    const own = files.filter((f) => roomName(domain, f) === room);
    const counts = new Map();
    for (const file of own) {
      const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
      for (const spec of info.importedFiles.map((i) => i.fileName).filter((s) => s.startsWith('.'))) {
        const target = posix(relative(root, resolve(root, dirname(file), spec)));
        if (!target.startsWith(`${domain}/`)) continue;
        const to = roomName(domain, `${target}.ts`);
        if (to !== room) counts.set(to, (counts.get(to) ?? 0) + 1);
      }
    }
    const imports = order
      .filter((r) => counts.has(r))
      .map((r) => `${r} ${counts.get(r)}`)
      .join(', ');
    const names = room === '(top)' ? own.map((f) => f.slice(domain.length + 1)).join(' ') : `${own.length} files`;
    return `  ${room.padEnd(9)} ${names.padEnd(10)} ← ${imports || 'nothing of its own domain'}`;
  });
  return [`${domain}/ (rooms in visit order; each imports only rooms above it)`, ...rows].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const domain of Object.keys(ROOMS)) console.log(roomsPicture(domain));
}
