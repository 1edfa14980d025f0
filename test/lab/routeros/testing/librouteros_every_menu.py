"""Reads every menu and writes every writable one through python3-librouteros.

Usage: python3 librouteros_every_menu.py <host> <port> <user> <password> <menu,menu,...>
Prints JSON: {"counts": {menu: items}, "writes": {menu: "ok" | "error: ..."}}.
"""
import json
import sys

import librouteros

host, port, user, password, menus = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5].split(',')
api = librouteros.connect(host=host, port=port, username=user, password=password)


def p(menu):
    return api.path(*menu.strip('/').split('/'))


counts = {m: len(list(p(m))) for m in menus}
writes = {}


def step(menu, fn):
    try:
        fn()
        writes[menu] = 'ok'
    except Exception as e:  # report, do not stop: the test names the failing menu
        writes[menu] = 'error: %s' % e


def id_of(menu, **match):
    for item in p(menu):
        if all(item.get(k) == v for k, v in match.items()):
            return item['.id']
    raise LookupError('%s has no %r' % (menu, match))


def add_remove(menu, **fields):
    new_id = p(menu).add(**fields)
    p(menu).remove(new_id)


step('/system/identity', lambda: p('/system/identity').update(name='lab-router'))
step('/system/clock', lambda: p('/system/clock').update(**{'time-zone-autodetect': False}))
step('/interface', lambda: p('/interface').update(**{'.id': id_of('/interface', name='ether2'), 'comment': 'LAN port'}))
step('/interface/list', lambda: add_remove('/interface/list', name='DMZ'))
step('/interface/list/member', lambda: add_remove('/interface/list/member', list='WAN', interface='ether2'))
step('/ip/address', lambda: add_remove('/ip/address', address='10.9.9.1/24', interface='ether2'))
step('/ip/route', lambda: add_remove('/ip/route', **{'dst-address': '10.8.0.0/16', 'gateway': '203.0.113.1'}))
step('/ip/cloud', lambda: p('/ip/cloud').update(**{'ddns-enabled': True}))
step('/ip/service', lambda: p('/ip/service').update(**{'.id': id_of('/ip/service', name='telnet'), 'disabled': True}))
step('/ip/firewall/filter', lambda: add_remove(
    '/ip/firewall/filter', chain='input', action='accept', protocol='udp', **{'dst-port': '5060', 'src-address-list': 'trunks'}))
step('/ip/firewall/nat', lambda: add_remove(
    '/ip/firewall/nat', chain='dstnat', action='dst-nat', protocol='tcp',
    **{'dst-port': '5061', 'to-addresses': '192.168.88.10', 'to-ports': '5061', 'in-interface-list': 'WAN'}))
step('/ip/firewall/address-list', lambda: add_remove('/ip/firewall/address-list', list='trunks', address='198.51.100.0/24'))
step('/ip/firewall/service-port', lambda: p('/ip/firewall/service-port').update(
    **{'.id': id_of('/ip/firewall/service-port', name='sip'), 'disabled': True}))
step('/ip/firewall/connection/tracking', lambda: p('/ip/firewall/connection/tracking').update(**{'udp-timeout': '30s'}))


def script():
    new_id = p('/system/script').add(name='py', source='/ip firewall address-list add list=py address=192.0.2.99')
    tuple(api('/system/script/run', **{'.id': new_id}))
    p('/system/script').remove(new_id)


step('/system/script', script)
step('/system/scheduler', lambda: add_remove('/system/scheduler', name='py', interval='1h', **{'on-event': 'py'}))
step('/certificate', lambda: add_remove('/certificate', name='py', **{'common-name': 'py'}))
step('/interface/bridge', lambda: add_remove('/interface/bridge', name='py-br'))
step('/ip/hotspot', lambda: add_remove('/ip/hotspot', name='py-hs', interface='ether2'))
step('/interface/pppoe-client', lambda: add_remove('/interface/pppoe-client', name='py-ppp', interface='ether1'))
step('/ip/dhcp-client', lambda: add_remove('/ip/dhcp-client', interface='ether2'))
step('/user/group', lambda: add_remove('/user/group', name='ops', policy='read,api'))
step('/user', lambda: add_remove('/user', name='tech', group='read', password='pw'))
print(json.dumps({'counts': counts, 'writes': writes}))
