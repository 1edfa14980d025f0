/**
 * Runs API sentences against a simulator from inside a namespace:
 * `ns-api.ts <host> <port> <user> <password> '<json string[][]>'` prints the replies as JSON.
 */
import { RawApiClient } from './raw-client';

async function main(): Promise<void> {
  const [host = '', port = '0', user = '', password = '', json = '[]'] = process.argv.slice(2);
  const sentences = JSON.parse(json) as string[][];
  const c = await RawApiClient.open(host, Number(port));
  const login = await c.call('/login', `=name=${user}`, `=password=${password}`);
  const out: string[][][] = [login];
  for (const s of sentences) out.push(await c.call(...s));
  c.close();
  process.stdout.write(JSON.stringify(out));
}

main().catch((e: unknown) => {
  process.stderr.write(String(e));
  process.exit(1);
});
