/** The PBX step: log in over SSH (host key first) and tell FS PBX, FusionPBX or not a PBX. */
import { fingerprintPbx } from '../../pbx/session/fingerprint';
import { readPeers } from '../../pbx/read/peers';
import { withPbxBox, rememberPbx } from '../../site/boxes';
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
    'pbx.peers': async ({ pbx, lan, allowed }) =>
      withPbxBox(store(), pbx, async (box) => {
        rememberPbx(store(), pbx, box);
        return proposePeers(await readPeers(box.session), {
          ...(lan === undefined ? {} : { lan }),
          ...(allowed === undefined ? {} : { allowed }),
        });
      }),
  };

  async function readPbx(input: Input<'pbx.read'>): Promise<Output<'pbx.read'>> {
    // A host key accepted on an earlier visit is checked unless the technician accepts a new one now.
    return withPbxBox(store(), input, async (box) => {
      rememberPbx(store(), input, box);
      return fingerprintPbx(box.session);
    });
  }
}
