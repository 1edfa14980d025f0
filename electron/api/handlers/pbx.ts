/** The PBX step: log in over SSH (host key first) and tell FS PBX, FusionPBX or not a PBX. */
import { fingerprintPbx } from '../../pbx/fingerprint';
import { openSsh } from '../../pbx/ssh';
import type { Store } from '../../store';
import type { Handler } from '../dispatcher';

export function pbxHandlers(store: () => Store): { 'pbx.read': Handler<'pbx.read'> } {
  return {
    'pbx.read': async (input) => {
      // A host key accepted on an earlier visit is checked unless the technician accepts a new one now.
      const accepted = input.hostKey ?? store().knownFingerprint('ssh', input.host, input.port);
      const ssh = await openSsh(accepted === undefined ? input : { ...input, hostKey: accepted });
      try {
        if (input.hostKey) store().acceptFingerprint('ssh', input.host, input.port, ssh.hostKey);
        return await fingerprintPbx(ssh);
      } finally {
        ssh.close();
      }
    },
  };
}
