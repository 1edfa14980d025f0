/** The PBX step: log in over SSH (host key first) and tell FS PBX, FusionPBX or not a PBX. */
import { fingerprintPbx } from '../../pbx/session/fingerprint';
import { readPeers } from '../../pbx/read/peers';
import { openSsh } from '../../pbx/session/ssh';
import { proposePeers } from '../../site/proposals';
import type { Store } from '../../store';
import type { Handler } from '../dispatcher';
import { untilAborted } from '../../../contract/errors';
import type { Input, Output } from '../../../contract/operations';

export function pbxHandlers(store: () => Store): {
  'pbx.read': Handler<'pbx.read'>;
  'pbx.peers': Handler<'pbx.peers'>;
} {
  return {
    // A read the technician cancels returns at once; the login winds down by itself.
    'pbx.read': async (input, { signal }) => untilAborted(readPbx(input), signal),
    // Step 4 pre-filled: gateways, their addresses as the PBX resolves them, registrations. Read-only.
    'pbx.peers': async ({ pbx, lan, allowed }) => {
      const accepted = pbx.hostKey ?? store().knownFingerprint('ssh', pbx.host, pbx.port);
      const ssh = await openSsh(accepted === undefined ? pbx : { ...pbx, hostKey: accepted });
      try {
        if (pbx.hostKey) store().acceptFingerprint('ssh', pbx.host, pbx.port, ssh.hostKey);
        return proposePeers(await readPeers(ssh), {
          ...(lan === undefined ? {} : { lan }),
          ...(allowed === undefined ? {} : { allowed }),
        });
      } finally {
        ssh.close();
      }
    },
  };

  async function readPbx(input: Input<'pbx.read'>): Promise<Output<'pbx.read'>> {
    // A host key accepted on an earlier visit is checked unless the technician accepts a new one now.
    const accepted = input.hostKey ?? store().knownFingerprint('ssh', input.host, input.port);
    const ssh = await openSsh(accepted === undefined ? input : { ...input, hostKey: accepted });
    try {
      if (input.hostKey) store().acceptFingerprint('ssh', input.host, input.port, ssh.hostKey);
      return await fingerprintPbx(ssh);
    } finally {
      ssh.close();
    }
  }
}
