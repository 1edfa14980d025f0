/**
 * Runs the wizard's discover operation where a technician's laptop would be:
 * inside the lab's `tech` host. Prints each progress event and the result as
 * JSON lines for the test to read.
 */
import { createDispatcher } from '../../../electron/api/dispatcher';
import { createHandlers } from '../../../electron/api/handlers';
import { nodeEnv } from '../../../electron/api/handlers/node-env';

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? '3');
  const dispatcher = createDispatcher(createHandlers(nodeEnv('cli', `/tmp/fspbx-discover-${process.pid}`)));
  const result = await dispatcher.call(
    'discover',
    { seconds },
    {
      signal: new AbortController().signal,
      progress: (event) => console.log(JSON.stringify({ progress: event })),
    },
  );
  console.log(JSON.stringify({ result }));
}

void main();
