/** Which boxes a snapshot belongs to: by what they do not broadcast (serial, licence id, host key). Pure. */
import { describe, expect, it } from 'vitest';
import { boxDifferences, boxNotes, boxOf } from '../../../electron/store/box';
import type { BoxIdentity } from '../../../electron/store/schemas';
import { stockPbx } from '../pbx/fixtures/stock';
import { defconfRouter } from '../routeros/fixtures/defconf';

const MAC = '48:A9:8A:00:00:01';
const router = (over: Partial<NonNullable<BoxIdentity['router']>> = {}): BoxIdentity => ({
  router: { identity: 'HQ', board: 'RB5009UG+S+', macs: [MAC], ...over },
});

describe('boxOf', () => {
  it("records the router's serial number and licence id with its name, board and MACs", () => {
    const state = { ...defconfRouter(), serial: 'HE2SIM000001', softwareId: 'SIM0-0001' };
    expect(boxOf(state, undefined).router).toMatchObject({ serial: 'HE2SIM000001', softwareId: 'SIM0-0001' });
    expect(boxOf(defconfRouter(), undefined).router).not.toHaveProperty('serial');
  });

  it("records the PBX's accepted host key", () => {
    expect(boxOf(undefined, stockPbx(), 'SHA256:abc').pbx).toMatchObject({ hostKey: 'SHA256:abc' });
  });
});

describe('boxDifferences', () => {
  it('tells two RouterBOARDs apart by serial even when a forger copied the broadcast MACs, name and board', () => {
    const then = router({ serial: 'HE2SIM000001' });
    const now = router({ serial: 'HE2OTHER999' });
    expect(boxDifferences(then, now)).toEqual([
      'The snapshot is of router "HQ" (RB5009UG+S+, serial HE2SIM000001); this router is "HQ" (RB5009UG+S+, serial HE2OTHER999).',
    ]);
  });

  it('knows a RouterBOARD with new interfaces by its serial', () => {
    expect(boxDifferences(router({ serial: 'S1' }), router({ serial: 'S1', macs: ['02:00:00:00:00:09'] }))).toEqual([]);
  });

  it('tells two CHRs apart by licence id (no serial on either)', () => {
    expect(
      boxDifferences(router({ softwareId: 'chr-a', board: 'CHR' }), router({ softwareId: 'chr-b', board: 'CHR' })),
    ).toHaveLength(1);
    expect(
      boxDifferences(router({ softwareId: 'chr-a', board: 'CHR' }), router({ softwareId: 'chr-a', board: 'CHR' })),
    ).toEqual([]);
  });

  it('does not take a CHR for the RouterBOARD of the snapshot', () => {
    expect(
      boxDifferences(router({ serial: 'S1', softwareId: 'AB12-CD34' }), router({ softwareId: 'chr-1' })),
    ).toHaveLength(1);
  });

  it('falls back to the MACs for a snapshot saved before serials were recorded, and says so on the review', () => {
    const old = router();
    const now = router({ serial: 'S1' });
    expect(boxDifferences(old, now)).toEqual([]);
    expect(boxNotes(old, now)).toEqual([
      "The router's serial number (or licence id) was not recorded with this snapshot or cannot be read now: it was matched by its MAC addresses, which it broadcasts on the LAN.",
    ]);
    expect(boxNotes(router({ serial: 'S1' }), now)).toEqual([]);
  });

  it('removes hidden characters from names it quotes', () => {
    const [sentence] = boxDifferences(router({ serial: 'A', identity: 'H\u202eQ' }), router({ serial: 'B' }));
    expect(sentence).toContain('"HQ"');
  });
});
