/**
 * Latest request wins: each call of a read takes a ticket, and only the
 * newest ticket may write its answer into the state. A slow earlier answer (an
 * old address, a Read pressed twice) is dropped instead of overwriting a newer
 * one. Changing what a read depends on (another host typed) supersedes the
 * reads under way without starting one.
 */
export interface Latest {
  /** Starts a request: the function returned says whether it is still the newest. */
  take(): () => boolean;
  /** Makes every request under way stale. */
  supersede(): void;
}

export function latest(): Latest {
  let generation = 0;
  return {
    take: () => {
      const mine = ++generation;
      return () => mine === generation;
    },
    supersede: () => {
      generation++;
    },
  };
}
