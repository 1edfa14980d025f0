/**
 * Extensions' media mode (plan/plan-extensions.ts), rule by rule: which extensions a plan moves
 * (every bypass-media one, or the technician's list by number, number@domain name or
 * number@user context), to what (Proxy Media, or the default as NULL: FS PBX's extension form
 * stores '' or NULL for "default", and directory.lua sets bypass_media only for the two bypass
 * values), and what it says. Plain data: the stock PBX fixture (1001 NULL, 1002 bypass-media with
 * alias 2002, 1003 '', 1004 bypass-media-after-bridge, 1005 proxy-media, a hostile one).
 */
import { describe, expect, it } from 'vitest';
import { MEDIA_TRADE_OFF, planExtensions, type MediaMode } from '../../../electron/pbx/plan/plan-extensions';
import { newOutcome } from '../../../electron/pbx/plan/plan-outcome';
import type { PbxState } from '../../../electron/pbx/model/state';
import { HOSTILE_DOMAIN, HOSTILE_EXTENSION, stockPbx } from './fixtures/stock';

function run(mediaMode: MediaMode, extensions: string[] = [], state: PbxState = stockPbx()) {
  const out = newOutcome();
  planExtensions(state, { mediaMode, extensions }, out);
  return out;
}

const numbers = (state: PbxState, keys: (string | undefined)[]) =>
  keys.map((k) => state.extensions.find((e) => e.extension_uuid === k)?.extension);

describe('planExtensions', () => {
  it('moves every bypass extension, both kinds, to Proxy Media, saying why and the trade-off', () => {
    const state = stockPbx();
    const out = run('proxy', [], state);
    expect(
      numbers(
        state,
        out.changes.map((c) => c.key),
      ),
    ).toEqual(['1002', '1004', HOSTILE_EXTENSION]);
    expect(out.changes[0]).toEqual({
      target: 'pbx',
      path: 'v_extensions',
      action: 'set',
      key: 'e0000000-0000-4000-8000-000000000002',
      before: { sip_bypass_media: 'bypass-media' },
      after: { sip_bypass_media: 'proxy-media' },
      label: '1002@pbx.example.com',
      reason:
        'Extension 1002@pbx.example.com uses bypass media: its audio would flow phone to phone and break behind NAT. ' +
        'It moves to Proxy Media. ' +
        MEDIA_TRADE_OFF,
    });
    expect(out.changes[2]!.label).toBe(`${HOSTILE_EXTENSION}@${HOSTILE_DOMAIN}`);
    expect(out.settled).toEqual([]);
    expect(out.errors).toEqual([]);
  });

  it('moves them to the default media handling as NULL when asked', () => {
    const out = run('default');
    expect(out.changes.map((c) => c.after)).toEqual([
      { sip_bypass_media: null },
      { sip_bypass_media: null },
      { sip_bypass_media: null },
    ]);
    expect(out.changes[1]!.reason).toBe(
      'Extension 1004@pbx.example.com uses bypass media: its audio would flow phone to phone and break behind NAT. ' +
        'It moves to the PBX default media handling. ' +
        MEDIA_TRADE_OFF,
    );
  });

  it('states the trade-off of Proxy Media in full', () => {
    expect(MEDIA_TRADE_OFF).toBe(
      'Proxy Media relays the audio through FreeSWITCH without touching it, so calls work behind NAT, but those calls ' +
        'cannot be recorded, transcoded or use in-band DTMF. The alternative, the PBX default media handling, keeps all ' +
        'of that and also works behind NAT, at the cost of more CPU on the PBX.',
    );
  });

  it('finds a chosen extension by its domain name when its user context is another', () => {
    const state = stockPbx();
    state.extensions.find((e) => e.extension === '1001')!.user_context = 'office';
    const out = run('proxy', ['1001@pbx.example.com'], state);
    expect(
      numbers(
        state,
        out.changes.map((c) => c.key),
      ),
    ).toEqual(['1001']);
    expect(out.errors).toEqual([]);
  });

  it('changes nothing when asked to leave them, even named ones', () => {
    expect(run('leave', ['1002', '9999'])).toEqual(newOutcome());
  });

  it('takes the technician’s list instead: by number, by number@domain name or number@user context, each once', () => {
    const state = stockPbx();
    state.extensions.find((e) => e.extension === '1005')!.user_context = 'office';
    const out = run('proxy', ['1001', '1005@office', '1001@pbx.example.com', '1004@pbx.example.com'], state);
    expect(
      numbers(
        state,
        out.changes.map((c) => c.key),
      ),
    ).toEqual(['1001', '1004']);
    expect(out.changes[0]!.reason).toBe(
      'Extension 1001@pbx.example.com was chosen by the technician. It moves to Proxy Media. ' + MEDIA_TRADE_OFF,
    );
    // 1005 already uses Proxy Media: said, not changed. Its domain name is shown, not its user context.
    expect(out.settled).toEqual([
      {
        path: 'v_extensions',
        item: '1005@pbx.example.com',
        value: 'proxy-media',
        message: 'Extension 1005@pbx.example.com already uses Proxy Media.',
      },
    ]);
    expect(out.errors).toEqual([]);
  });

  it('refuses each name no extension has, naming its place in the list; a wrong domain is not a match', () => {
    const out = run('proxy', ['1001', '9999', '1002@elsewhere.example', '2002']);
    expect(out.errors).toEqual([
      { code: 'invalid_input', field: 'options.extensions.1', message: 'There is no extension 9999 on this PBX.' },
      {
        code: 'invalid_input',
        field: 'options.extensions.2',
        message: 'There is no extension 1002@elsewhere.example on this PBX.',
      },
      // An alias is not the extension's number.
      { code: 'invalid_input', field: 'options.extensions.3', message: 'There is no extension 2002 on this PBX.' },
    ]);
  });

  it('counts NULL and empty text as the default already, and says so', () => {
    const out = run('default', ['1001', '1003']);
    expect(out.changes).toEqual([]);
    expect(out.settled.map((s) => [s.item, s.value, s.message])).toEqual([
      ['1001@pbx.example.com', null, 'Extension 1001@pbx.example.com already uses the default media handling.'],
      ['1003@pbx.example.com', '', 'Extension 1003@pbx.example.com already uses the default media handling.'],
    ]);
  });

  it('names an extension by its user context when its domain row is gone, and by ? when nothing names it', () => {
    const state = stockPbx();
    const e = state.extensions.find((x) => x.extension === '1002')!;
    e.domain_uuid = null;
    e.user_context = 'office';
    expect(run('proxy', [], state).changes[0]!.label).toBe('1002@office');
    e.user_context = null;
    e.extension = null;
    expect(run('proxy', [], state).changes[0]!.label).toBe('?@?');
  });
});
