/**
 * A stock RouterOS 7 home router after the default configuration script
 * ("defconf"): bridge with the LAN ports, ether1 as WAN, the default filter
 * (including "drop all from WAN not DSTNATed"), masquerade, SIP helper on.
 */
import { formatIpv4, networkOf, parsePrefix } from './values';

export interface SimUserSpec {
  name: string;
  password: string;
  group: 'full' | 'write' | 'read';
}

export interface DefconfOptions {
  identity: string;
  wan: { interface: string; address: string; gateway: string };
  lan: { interface: string; address: string; ports: string[] };
  users: SimUserSpec[];
  apiPort: number;
  apiSslPort: number;
}

const FULL =
  'local,telnet,ssh,ftp,reboot,read,write,policy,test,winbox,password,web,sniff,sensitive,api,romon,rest-api';
const READ = 'local,telnet,ssh,reboot,read,test,winbox,password,web,sniff,api,romon,rest-api';
const WRITE = 'local,telnet,ssh,ftp,reboot,read,write,test,winbox,password,web,sniff,api,romon,rest-api';

function network(cidr: string): string {
  const p = parsePrefix(cidr);
  return p ? formatIpv4(networkOf(p.address, p.length)) : '0.0.0.0';
}

function prefixNetwork(cidr: string): string {
  const p = parsePrefix(cidr);
  return p ? `${formatIpv4(networkOf(p.address, p.length))}/${p.length}` : cidr;
}

export function defconf(o: DefconfOptions): Record<string, Record<string, string>[]> {
  const ether = (name: string) => ({
    name,
    'default-name': name,
    type: 'ether',
    mtu: '1500',
    l2mtu: '1514',
    disabled: 'false',
  });
  const etherNames = [...new Set([o.wan.interface, ...o.lan.ports])];
  return {
    '/system/identity': [{ name: o.identity }],
    '/system/clock': [{ 'time-zone-autodetect': 'true', 'time-zone-name': 'manual' }],
    '/interface': [
      ...etherNames.map(ether),
      { name: o.lan.interface, type: 'bridge', mtu: 'auto', l2mtu: '1514', disabled: 'false', comment: 'defconf' },
    ],
    '/interface/list': [
      { name: 'WAN', comment: 'defconf', include: '', exclude: '' },
      { name: 'LAN', comment: 'defconf', include: '', exclude: '' },
    ],
    '/interface/list/member': [
      { list: 'LAN', interface: o.lan.interface, comment: 'defconf', disabled: 'false' },
      { list: 'WAN', interface: o.wan.interface, comment: 'defconf', disabled: 'false' },
    ],
    '/ip/address': [
      {
        address: o.lan.address,
        network: network(o.lan.address),
        interface: o.lan.interface,
        comment: 'defconf',
        disabled: 'false',
      },
      { address: o.wan.address, network: network(o.wan.address), interface: o.wan.interface, disabled: 'false' },
    ],
    '/ip/route': [
      { 'dst-address': '0.0.0.0/0', gateway: o.wan.gateway, distance: '1', 'routing-table': 'main', disabled: 'false' },
      {
        'dst-address': prefixNetwork(o.lan.address),
        gateway: o.lan.interface,
        distance: '0',
        'routing-table': 'main',
        dynamic: 'true',
        connect: 'true',
        disabled: 'false',
      },
      {
        'dst-address': prefixNetwork(o.wan.address),
        gateway: o.wan.interface,
        distance: '0',
        'routing-table': 'main',
        dynamic: 'true',
        connect: 'true',
        disabled: 'false',
      },
    ],
    '/ip/cloud': [{ 'ddns-enabled': 'false', 'ddns-update-interval': 'none', 'update-time': 'true' }],
    '/ip/service': [
      ['telnet', '23'],
      ['ftp', '21'],
      ['www', '80'],
      ['ssh', '22'],
      ['www-ssl', '443'],
      ['api', String(o.apiPort)],
      ['winbox', '8291'],
      ['api-ssl', String(o.apiSslPort)],
    ].map(([name, port]) => ({
      name: name!,
      port: port!,
      address: '',
      certificate: name === 'www-ssl' || name === 'api-ssl' ? 'none' : '',
      disabled: name === 'www-ssl' ? 'true' : 'false',
    })),
    '/ip/firewall/filter': (
      [
        {
          chain: 'input',
          action: 'accept',
          'connection-state': 'established,related,untracked',
          comment: 'defconf: accept established,related,untracked',
        },
        { chain: 'input', action: 'drop', 'connection-state': 'invalid', comment: 'defconf: drop invalid' },
        { chain: 'input', action: 'accept', protocol: 'icmp', comment: 'defconf: accept ICMP' },
        {
          chain: 'input',
          action: 'accept',
          'dst-address': '127.0.0.1',
          comment: 'defconf: accept to local loopback (for CAPsMAN)',
        },
        {
          chain: 'input',
          action: 'drop',
          'in-interface-list': '!LAN',
          comment: 'defconf: drop all not coming from LAN',
        },
        { chain: 'forward', action: 'accept', 'ipsec-policy': 'in,ipsec', comment: 'defconf: accept in ipsec policy' },
        {
          chain: 'forward',
          action: 'accept',
          'ipsec-policy': 'out,ipsec',
          comment: 'defconf: accept out ipsec policy',
        },
        {
          chain: 'forward',
          action: 'fasttrack-connection',
          'connection-state': 'established,related',
          'hw-offload': 'true',
          comment: 'defconf: fasttrack',
        },
        {
          chain: 'forward',
          action: 'accept',
          'connection-state': 'established,related,untracked',
          comment: 'defconf: accept established,related, untracked',
        },
        { chain: 'forward', action: 'drop', 'connection-state': 'invalid', comment: 'defconf: drop invalid' },
        {
          chain: 'forward',
          action: 'drop',
          'connection-state': 'new',
          'connection-nat-state': '!dstnat',
          'in-interface-list': 'WAN',
          comment: 'defconf: drop all from WAN not DSTNATed',
        },
      ] as Record<string, string>[]
    ).map((r) => ({ ...r, log: 'false', 'log-prefix': '', disabled: 'false' })),
    '/ip/firewall/nat': [
      {
        chain: 'srcnat',
        action: 'masquerade',
        'out-interface-list': 'WAN',
        'ipsec-policy': 'out,none',
        comment: 'defconf: masquerade',
        log: 'false',
        'log-prefix': '',
        disabled: 'false',
      },
    ],
    '/ip/firewall/address-list': [],
    '/ip/firewall/service-port': [
      { name: 'ftp', ports: '21', disabled: 'false' },
      { name: 'tftp', ports: '69', disabled: 'false' },
      { name: 'irc', ports: '6667', disabled: 'false' },
      { name: 'h323', disabled: 'false' },
      { name: 'sip', ports: '5060,5061', 'sip-direct-media': 'true', 'sip-timeout': '1h', disabled: 'false' },
      { name: 'pptp', disabled: 'false' },
      { name: 'rtsp', ports: '554', disabled: 'true' },
      { name: 'udplite', disabled: 'false' },
      { name: 'dccp', disabled: 'false' },
      { name: 'sctp', disabled: 'false' },
    ],
    '/ip/firewall/connection/tracking': [
      {
        enabled: 'auto',
        'generic-timeout': '10m',
        'icmp-timeout': '10s',
        'loose-tcp-tracking': 'true',
        'tcp-close-timeout': '10s',
        'tcp-close-wait-timeout': '10s',
        'tcp-established-timeout': '1d',
        'tcp-fin-wait-timeout': '10s',
        'tcp-last-ack-timeout': '10s',
        'tcp-max-retrans-timeout': '5m',
        'tcp-syn-received-timeout': '5s',
        'tcp-syn-sent-timeout': '5s',
        'tcp-time-wait-timeout': '10s',
        'tcp-unacked-timeout': '5m',
        'udp-stream-timeout': '3m',
        'udp-timeout': '10s',
      },
    ],
    '/system/script': [],
    '/system/scheduler': [],
    '/user/group': [
      { name: 'read', policy: READ, skin: 'default' },
      { name: 'write', policy: WRITE, skin: 'default' },
      { name: 'full', policy: FULL, skin: 'default' },
    ],
    '/user': o.users.map((u) => ({
      name: u.name,
      group: u.group,
      password: u.password,
      address: '',
      disabled: 'false',
    })),
  };
}
