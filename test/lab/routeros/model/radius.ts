/**
 * Accounts a RADIUS server vouches for (`/user aaa use-radius=yes`): RouterOS asks RADIUS when
 * no local user has the name, and the session gets the group the server names
 * (https://help.mikrotik.com/docs/display/ROS/User: "The users are authenticated using either a
 * local database or a designated RADIUS server"; the `Mikrotik-Group` attribute, else
 * `/user aaa default-group`: https://manual.mikrotik.com/docs/cli-reference/user, "user/aaa").
 * The simulator holds the server's accounts itself: such a user has no /user row.
 */
import type { Actor, RouterModel } from './router';

export interface RadiusUser {
  name: string;
  password: string;
  /** What the server answers as Mikrotik-Group. */
  group: string;
}

export function radiusLogin(
  model: RouterModel,
  users: readonly RadiusUser[],
  name: string,
  password: string,
): Actor | undefined {
  if (model.items('/user').some((u) => u.fields.name === name)) return undefined; // a local user answers first
  const user = users.find((u) => u.name === name && u.password === password);
  return user ? { name, policies: model.policiesOfGroup(user.group), group: user.group, radius: true } : undefined;
}
