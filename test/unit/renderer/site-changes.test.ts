import { describe, expect, it } from 'vitest';
import { holdPageWhileChanging, trackSiteChanges } from '../../../renderer/src/api/site-changes';
import { FakeClient, ok } from './fake-client';

describe('calls that change a site', () => {
  it('are counted while under way, as the contract marks them; reads are not', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fake = new FakeClient()
      .on('site.apply', async () => {
        await gate;
        return ok({ runId: 'r', status: 'applied', applied: [] });
      })
      .on('history.list', () => ok([]));
    const changes = trackSiteChanges(fake);
    const seen: number[] = [];
    changes.onChange((n) => seen.push(n));

    await changes.client.call('history.list', {});
    expect(changes.count()).toBe(0);
    const applying = changes.client.call('site.apply', { runId: 'r', access: {} } as never);
    expect(changes.count()).toBe(1);
    release();
    await applying;
    expect(changes.count()).toBe(0);
    expect(seen).toEqual([1, 0]);
  });

  it('hold the page: leaving asks for confirmation only while one is under way', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const changes = trackSiteChanges(
      new FakeClient().on('site.confirm', async () => {
        await gate;
        return ok({} as never);
      }),
    );
    let handler: ((e: { preventDefault(): void; returnValue: unknown }) => void) | undefined;
    holdPageWhileChanging(changes, {
      addEventListener: ((_: string, h: typeof handler) => (handler = h)) as never,
    });
    const leave = () => {
      let prevented = false;
      handler!({ preventDefault: () => (prevented = true), returnValue: undefined });
      return prevented;
    };
    expect(leave()).toBe(false);
    const confirming = changes.client.call('site.confirm', {} as never);
    expect(leave()).toBe(true);
    release();
    await confirming;
    expect(leave()).toBe(false);
  });
});
