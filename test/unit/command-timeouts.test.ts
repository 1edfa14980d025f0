/** The wizard's command limits follow the site's pace: a slow login buys slow commands time, within bounds. */
import { describe, expect, it } from 'vitest';
import { COMMAND_TIMEOUT as PBX, commandTimeoutFor as pbxLimit } from '../../electron/pbx/session/ssh';
import { COMMAND_TIMEOUT as ROUTER, commandTimeoutFor as routerLimit } from '../../electron/routeros/connection';

describe('command time limits', () => {
  it('keep the old floor for a quick site', () => {
    expect(pbxLimit(60)).toBe(30_000);
    expect(routerLimit(5)).toBe(15_000);
  });

  it('grow with a slow login, up to a ceiling', () => {
    expect(pbxLimit(2_000)).toBe(2_000 * PBX.perLoginMs);
    expect(pbxLimit(2_000)).toBeGreaterThan(PBX.minMs);
    expect(routerLimit(1_000)).toBe(1_000 * ROUTER.perLoginMs);
    expect(pbxLimit(60_000)).toBe(PBX.maxMs);
    expect(routerLimit(60_000)).toBe(ROUTER.maxMs);
  });
});
