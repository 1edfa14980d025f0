/**
 * A trunk that registers with the lab's carrier (test/lab/pbx/registrar.py on the trunk host,
 * through the router): added to FS PBX as a technician would (a v_gateways row, the cached
 * sofia.conf dropped, the profile rescanned, as nemerald-voip/fspbx GatewayService.php:165-224
 * does), and what the carrier recorded of its REGISTERs.
 */
import { readFile } from 'node:fs/promises';
import type { Lab } from '../../lab/lab';

export const CARRIER_TRUNK_ID = '6f1c2a7e-2222-4a4a-9b9b-000000000024';

export interface CarrierRegister {
  time: number;
  status: number;
  user: string;
  contact: string;
  expires: string;
  /** The packet's source as the carrier saw it (the router's public address after NAT). */
  from: string;
}

export async function addCarrierTrunk(lab: Lab): Promise<void> {
  const carrier = lab.carrier;
  if (!carrier) throw new Error('the lab has no carrier registrar (netns mode only)');
  const sql = `insert into v_gateways (gateway_uuid, gateway, username, password, proxy, register, expire_seconds,
    retry_seconds, profile, enabled, context) values ('${CARRIER_TRUNK_ID}', 'Carrier registered', '${carrier.username}',
    '${carrier.password}', '${carrier.address}', 'true', 800, 30, 'external', 'true', 'public');`;
  const r = await lab.exec(
    'pbx',
    ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'fusionpbx'],
    {
      input: sql,
    },
  );
  if (r.code !== 0) throw new Error(r.stderr);
  await lab.exec('pbx', ['rm', '-f', '/var/cache/fusionpbx/configuration.sofia.conf.pbx']);
  await lab.exec('pbx', ['fs_cli', '-x', 'sofia profile external rescan']);
}

/** Every REGISTER the carrier answered, oldest first. */
export async function carrierRegisters(lab: Lab): Promise<CarrierRegister[]> {
  const text = await readFile(lab.carrier!.log, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CarrierRegister);
}

/**
 * Lets FreeSWITCH's registration check run (the stand-in runs it when fs_cli is asked) and
 * returns the Contact host of the last binding the carrier accepted (Expires not 0).
 */
export async function registeredContactHost(lab: Lab): Promise<string | undefined> {
  await lab.exec('pbx', ['fs_cli', '-x', `sofia status gateway ${CARRIER_TRUNK_ID}`]);
  const accepted = (await carrierRegisters(lab)).filter((r) => r.status === 200 && r.expires !== '0');
  return /@([^:;>]+)/.exec(accepted.at(-1)?.contact ?? '')?.[1];
}
