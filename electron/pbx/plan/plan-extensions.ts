/** Extensions' media mode: bypass media breaks behind NAT; chosen ones move to Proxy Media or the default. Pure. */
import type { Outcome } from './plan-outcome';
import type { PbxState } from '../model/state';

export type MediaMode = 'proxy' | 'default' | 'leave';

const BYPASS = new Set(['bypass-media', 'bypass-media-after-bridge']);

export const MEDIA_TRADE_OFF =
  'Proxy Media relays the audio through FreeSWITCH without touching it, so calls work behind NAT, but those calls ' +
  'cannot be recorded, transcoded or use in-band DTMF. The alternative, the PBX default media handling, keeps all ' +
  'of that and also works behind NAT, at the cost of more CPU on the PBX.';

export function planExtensions(
  state: PbxState,
  inputs: { mediaMode: MediaMode; extensions: readonly string[] },
  out: Outcome,
): void {
  if (inputs.mediaMode === 'leave') return;
  const domainOf = new Map(state.domains.map((d) => [d.domain_uuid, d.domain_name]));
  let chosen = state.extensions.filter((e) => BYPASS.has(e.sip_bypass_media ?? ''));
  if (inputs.extensions.length > 0) {
    chosen = [];
    inputs.extensions.forEach((wanted, index) => {
      const [ext, domain] = wanted.split('@');
      const hits = state.extensions.filter(
        (e) =>
          e.extension === ext &&
          (domain === undefined || e.user_context === domain || domainOf.get(e.domain_uuid ?? '') === domain),
      );
      if (hits.length === 0) {
        out.errors.push({
          code: 'invalid_input',
          field: `options.extensions.${index}`,
          message: `There is no extension ${wanted} on this PBX.`,
        });
      }
      for (const hit of hits) if (!chosen.includes(hit)) chosen.push(hit);
    });
  }
  const target = inputs.mediaMode === 'proxy' ? 'proxy-media' : null;
  for (const ext of chosen) {
    const domain = domainOf.get(ext.domain_uuid ?? '') ?? ext.user_context;
    const where = `${ext.extension ?? '?'}@${domain ?? '?'}`;
    const current = ext.sip_bypass_media;
    const already = target === null ? current === null || current === '' : current === target;
    if (already) {
      out.settled.push({
        path: 'v_extensions',
        item: where,
        value: current,
        message: `Extension ${where} already uses ${target === null ? 'the default media handling' : 'Proxy Media'}.`,
      });
      continue;
    }
    out.changes.push({
      target: 'pbx',
      path: 'v_extensions',
      action: 'set',
      key: ext.extension_uuid,
      before: { sip_bypass_media: current },
      after: { sip_bypass_media: target },
      label: where,
      reason:
        (BYPASS.has(current ?? '')
          ? `Extension ${where} uses bypass media: its audio would flow phone to phone and break behind NAT. `
          : `Extension ${where} was chosen by the technician. `) +
        (target === null ? 'It moves to the PBX default media handling. ' : 'It moves to Proxy Media. ') +
        MEDIA_TRADE_OFF,
    });
  }
}
