/** The PBX step: log in over SSH (host key first) and tell FS PBX, FusionPBX or not a PBX. */
import { fingerprintPbx } from '../../pbx/fingerprint';
import { openSsh } from '../../pbx/ssh';
import type { Handler } from '../dispatcher';

export function pbxHandlers(): { 'pbx.read': Handler<'pbx.read'> } {
  return {
    'pbx.read': async (target) => {
      const ssh = await openSsh(target);
      try {
        return await fingerprintPbx(ssh);
      } finally {
        ssh.close();
      }
    },
  };
}
