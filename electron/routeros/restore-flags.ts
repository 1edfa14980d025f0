/**
 * A router rollback's findings in words: what a snapshot item would do on the
 * router, so the review can say it first. Serious: whatever changes what the
 * firewall lets in (filter rules, `disabled`, forwards) or runs commands
 * (scripts, schedulers). Pure.
 */
import type { RollbackFlag } from '../../contract/types';
import type { MenuKey, RosItem } from './state';
import { menuPath } from './state';

function label(item: RosItem): string {
  return item.comment ? `"${item.comment}"` : item.name ? `"${item.name}"` : item['.id'];
}

function shown(item: RosItem, fields: readonly string[]): string {
  return fields.map((f) => `${f}=${item[f] === undefined ? '(unset)' : item[f]}`).join(' ');
}

function words(menu: MenuKey, item: RosItem, now: RosItem | undefined, fields: readonly string[]): [string, boolean] {
  const disabling = fields.includes('disabled') && (item.disabled === 'true' || item.disabled === 'yes');
  switch (menu) {
    case 'filter':
      if (!now) return [`It would add a firewall rule (${item.chain ?? '?'} ${item.action ?? '?'}).`, true];
      if (disabling) {
        return [
          `It would switch this firewall rule off: what it ${item.action === 'accept' ? 'lets through' : 'stops'} would no longer be ${item.action === 'accept' ? 'let through' : 'stopped'}.`,
          true,
        ];
      }
      return ["It would change what the router's firewall lets through.", true];
    case 'nat':
      if (item.action === 'dst-nat' || item.action === 'netmap' || item.action === 'redirect') {
        const port = item['dst-port'] ?? 'every port';
        const to = `${item['to-addresses'] ?? 'the router'}${item['to-ports'] ? `:${item['to-ports']}` : ''}`;
        return [
          `It would ${now ? (disabling ? 'switch off' : 'change') : 'open'} a forward: ${(item.protocol ?? 'any protocol').toUpperCase()} ${port} from outside to ${to}.`,
          true,
        ];
      }
      return [`It would ${now ? 'change' : 'add'} an address translation rule (${item.action ?? '?'}).`, disabling];
    case 'addressLists':
      return [`It would ${now ? 'change' : 'add'} an entry of the address list ${item.list ?? '?'}.`, false];
    case 'servicePorts':
      return item.name === 'sip' && fields.includes('disabled')
        ? [
            disabling
              ? 'The SIP helper (SIP ALG) is turned off again.'
              : 'The SIP helper (SIP ALG) is turned back on: it rewrites SIP messages and can cause one-way audio and lost registrations.',
            false,
          ]
        : [`It would change the router's ${item.name ?? '?'} helper.`, false];
    case 'scripts':
    case 'schedulers':
      return [
        `It would ${now ? 'change' : 'create'} a ${menu === 'scripts' ? 'script' : 'scheduler'}: it runs commands on the router.`,
        true,
      ];
    default:
      return ['A router setting.', false];
  }
}

/** `item` is the snapshot's, `now` the router's twin (absent: the snapshot's item is gone), `fields` what differs. */
export function routerFlag(
  menu: MenuKey,
  item: RosItem,
  now: RosItem | undefined,
  fields: readonly string[],
  restored: boolean,
): RollbackFlag {
  const [consequence, serious] = words(menu, item, now, fields);
  return {
    target: 'router',
    subject: `${menuPath(menu)} ${label(item)}`,
    change: now ? shown(item, fields) : 'an item the router does not have now',
    consequence: restored ? consequence : `Not restored: not managed by the wizard. ${consequence}`,
    restored,
    serious,
  };
}
