/**
 * `/user/active`: one row per logged-in session, printed with the session's user name, address,
 * service (`via`), group and the RADIUS flag (R), all read-only
 * (https://manual.mikrotik.com/docs/cli-reference/user, "user/active": flag R radius; read-only
 * when, name, address, via, group). A RADIUS login has no /user row: its group comes from the
 * RADIUS server's answer (model/radius.ts).
 */
import type { Actor, RouterModel } from './router';

const ACTIVE = '/user/active';

export class ActiveUsers {
  private next = 0;

  constructor(private readonly model: RouterModel) {}

  /** Adds the session's row; returns what `logout` needs. */
  login(actor: Actor, address: string, via: 'api' | 'ssh'): string {
    const session = `s${++this.next}`;
    const now = this.model.localNow();
    this.model.addFixedRow(ACTIVE, {
      when: `${now.date} ${now.time}`,
      name: actor.name,
      address: address.replace(/^::ffff:/, ''),
      via,
      group: actor.group ?? '',
      radius: actor.radius ? 'true' : 'false',
      session,
    });
    return session;
  }

  logout(session: string | undefined): void {
    if (session !== undefined) this.model.removeFixedRows(ACTIVE, (f) => f.session === session);
  }
}
