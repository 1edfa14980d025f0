/**
 * Which calls change a router or a PBX is read from the contract at run time
 * (`changesSites`), not listed again here. While one is under way the page
 * holds the technician back from closing it: a window closed mid-apply leaves
 * a run for History to finish or roll back.
 */
import { contract } from '../../../contract/operations';
import type { Client } from './client';

export interface SiteChanges {
  /** The same client, counting its calls that change a site. */
  client: Client;
  /** How many are under way now. */
  count(): number;
  /** Told the new count whenever it changes; returns a function that stops listening. */
  onChange(listener: (count: number) => void): () => void;
}

export function trackSiteChanges(inner: Client): SiteChanges {
  let count = 0;
  const listeners = new Set<(count: number) => void>();
  const move = (by: number): void => {
    count += by;
    for (const listener of listeners) listener(count);
  };
  const client: Client = {
    call(op, input, options) {
      if (!contract[op].changesSites) return inner.call(op, input, options);
      move(1);
      return inner.call(op, input, options).finally(() => move(-1));
    },
    onError: (listener) => inner.onError(listener),
  };
  return {
    client,
    count: () => count,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Asks the browser to confirm leaving the page while a site change is under way. */
export function holdPageWhileChanging(changes: SiteChanges, page: Pick<Window, 'addEventListener'>): void {
  page.addEventListener('beforeunload', (event) => {
    if (changes.count() === 0) return;
    event.preventDefault();
    // Older engines show the prompt only when returnValue is set.
    event.returnValue = '';
  });
}
