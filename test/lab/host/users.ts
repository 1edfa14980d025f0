/**
 * The user database of a lab host: the test machine's passwd/shadow/group as a starting point,
 * with the lab's root password and one extra user. Pure text in, text out; the result is
 * written only into the host's private overlay.
 */

export interface LabUser {
  name: string;
  uid: number;
  /** crypt(3) hash, e.g. from `openssl passwd -6`. */
  hash: string;
  groups: string[];
}

export interface UserDb {
  passwd: string;
  shadow: string;
  group: string;
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

/** The lowest free uid from 1000 up in this passwd file. */
export function freeUid(passwd: string): number {
  const used = new Set(lines(passwd).map((l) => Number(l.split(':')[2])));
  let uid = 1000;
  while (used.has(uid) && uid < 60000) uid += 1;
  return uid;
}

export function withLabUsers(base: UserDb, rootHash: string, user: LabUser): UserDb {
  for (const value of [rootHash, user.hash, user.name, ...user.groups]) {
    if (/[:\n]/.test(value)) throw new Error('a user field may not hold ":" or a newline');
  }
  const days = Math.floor(Date.now() / 86_400_000);
  const shadow = lines(base.shadow)
    .filter((l) => !l.startsWith(`${user.name}:`))
    .map((l) => (l.startsWith('root:') ? `root:${rootHash}:${days}:0:99999:7:::` : l));
  if (!shadow.some((l) => l.startsWith('root:'))) shadow.unshift(`root:${rootHash}:${days}:0:99999:7:::`);
  shadow.push(`${user.name}:${user.hash}:${days}:0:99999:7:::`);
  const passwd = lines(base.passwd).filter((l) => !l.startsWith(`${user.name}:`));
  passwd.push(`${user.name}:x:${user.uid}:${user.uid}:Lab admin:/home/${user.name}:/bin/bash`);
  const group = lines(base.group)
    .filter((l) => !l.startsWith(`${user.name}:`))
    .map((l) => {
      const [name, pw, gid, members = ''] = l.split(':');
      if (!name || !user.groups.includes(name)) return l;
      const list = members.split(',').filter((m) => m.length > 0);
      return [name, pw, gid, [...list, user.name].join(',')].join(':');
    });
  group.push(`${user.name}:x:${user.uid}:`);
  return { passwd: passwd.join('\n') + '\n', shadow: shadow.join('\n') + '\n', group: group.join('\n') + '\n' };
}
