/**
 * The wizard where a technician's laptop would be: inside the lab's `tech`
 * host. Reads a list of contract calls as JSON on stdin, runs them in order
 * through one dispatcher (as one app session would), and prints each result
 * as a JSON line.
 */
import { createDispatcher } from '../../../electron/api/dispatcher';
import { createHandlers } from '../../../electron/api/handlers';
import { nodeEnv } from '../../../electron/api/handlers/node-env';

interface Call {
  op: string;
  input: unknown;
}

async function main(): Promise<void> {
  const dataDir = process.argv[2]!;
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const calls = JSON.parse(text) as Call[];
  const dispatcher = createDispatcher(createHandlers(nodeEnv('cli', dataDir)), {
    error: (message, detail) => console.error(message, detail),
  });
  for (const call of calls) {
    const events: unknown[] = [];
    const result = await dispatcher.call(call.op, call.input, {
      signal: new AbortController().signal,
      progress: (e) => events.push(e),
    });
    console.log(JSON.stringify({ op: call.op, result, events: events.length }));
  }
}

void main();
