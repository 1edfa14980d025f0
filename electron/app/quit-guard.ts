/**
 * When the desktop app may quit. Its window may close at any time, but a
 * change to the router or the PBX runs in the main process: quitting cuts it
 * off between a command sent and its answer journalled. So the app stays up,
 * windowless, until the change in flight has finished (journal exact, the
 * router's revert armed), then quits by itself. Pure: the shell feeds it events.
 */

// Which operations change a box is the contract's word (`changesSites`), read by the shell.

export interface QuitState {
  /** Change operations running now. */
  changesInFlight: number;
  /** Whether a quit was asked for (last window closed, Quit in the menu) and is waiting. */
  quitPending: boolean;
}

export type QuitDecision =
  /** Nothing is in flight: quit now. */
  | { action: 'quit' }
  /** Stay up, windowless if need be, and quit when the change has finished. */
  | { action: 'wait'; notice: string };

/** Told to the technician when the window closes (or Quit is chosen) during a change. */
export const FINISHING_NOTICE =
  'The wizard keeps running until the change under way has finished, then quits by itself. ' +
  'Every step is recorded in the history; the router undoes its part by itself unless you confirm the run ' +
  '(start the wizard again and open History).';

/** The last window closed, or Quit was chosen. */
export function onQuitAsked(state: Pick<QuitState, 'changesInFlight'>): QuitDecision {
  return state.changesInFlight > 0 ? { action: 'wait', notice: FINISHING_NOTICE } : { action: 'quit' };
}

/** A change operation ended (done, failed or refused): quit if a quit was waiting for it. */
export function onChangeEnded(state: QuitState): 'quit' | 'stay' {
  return state.quitPending && state.changesInFlight === 0 ? 'quit' : 'stay';
}

/** The text of the window's close question while a change is under way. */
export const CLOSE_QUESTION = {
  message: 'The wizard is changing the router or the PBX.',
  detail:
    'If you close the window, the wizard finishes the change under way in the background, records every step in ' +
    'the history and then quits. The router undoes its part by itself unless you confirm the run; History offers ' +
    'to roll the PBX back. Keep the window open to verify and confirm.',
} as const;
