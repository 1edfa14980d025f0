import { networkInterfaces } from 'node:os';
import type { LanFacts } from '../../contract/types';
import { lanFacts } from './interfaces';
import { readDefaultRoute } from './routes';

export { lanFacts } from './interfaces';
export { parseProcNetRoute } from './routes';

export async function detectLan(): Promise<LanFacts> {
  return lanFacts(networkInterfaces(), await readDefaultRoute());
}
