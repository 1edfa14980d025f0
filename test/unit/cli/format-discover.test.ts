import { describe, expect, it } from 'vitest';
import type { DiscoverResult } from '../../../contract/types';
import { formatDiscover } from '../../../electron/cli/format';

const empty: DiscoverResult = {
  lan: { interfaces: [], reasoning: 'no interface up' },
  routers: [],
  sshHosts: [],
  skippedPackets: 0,
};

describe('fspbx-nat discover, as text', () => {
  it('says when the router list was cut at its limit, and how many more answered', () => {
    const text = formatDiscover({ ...empty, mndpCut: { limit: 256, leftOut: 40 } });
    expect(text).toContain('the list stops at 256 devices; 40 more answered and are not shown');
  });

  it('says nothing of a limit when every answer is listed', () => {
    expect(formatDiscover(empty)).not.toContain('the list stops at');
  });
});
