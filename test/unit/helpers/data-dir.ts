/**
 * A data folder of this test run's own, for handlers that never write to it in these tests: not a
 * fixed /tmp path shared across runs and users (another user's folder there would be read, or
 * refuse us). Removed when the worker exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const unitDataDir = mkdtempSync(join(tmpdir(), 'fspbx-unit-'));
process.on('exit', () => rmSync(unitDataDir, { recursive: true, force: true }));
