/**
 * Electron IPC channel names, in one place so main and preload cannot drift.
 * Free of imports: the preload bundles this file and must stay small.
 */
export const IPC = {
  toMain: 'fspbx:to-main',
  toRenderer: 'fspbx:to-renderer',
} as const;
