/**
 * Counts the calls under way that change a router or a PBX (the contract's
 * `changesSites`), whichever window sent them, so the shell knows whether
 * quitting now would cut one off.
 */
import type { Dispatcher } from '../api/dispatcher';
import { contract, isOpName } from '../../contract/operations';

export interface CountedDispatcher extends Dispatcher {
  /** Change calls running now. */
  changesInFlight(): number;
}

export function countChanges(inner: Dispatcher, onChangeEnded: () => void): CountedDispatcher {
  let inFlight = 0;
  return {
    changesInFlight: () => inFlight,
    async call(op, input, ctx) {
      if (!isOpName(op) || !contract[op].changesSites) return inner.call(op, input, ctx);
      inFlight += 1;
      try {
        return await inner.call(op, input, ctx);
      } finally {
        inFlight -= 1;
        onChangeEnded();
      }
    },
  };
}
