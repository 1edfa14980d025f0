/**
 * The files of an FS PBX host (reference/fspbx.md), as path → content. Pure: the caller writes
 * them into the host's private overlay, never onto the test machine's own /etc or /var.
 */
import { stockVars } from './seed';

export interface PbxFileInput {
  domain: string;
  dbPassword: string;
  dbHost: string;
  dbPort: number;
  appKey: string;
  localIp: string;
  switchname: string;
  /** fs_cli.py sends its gateways' REGISTERs (netns mode only). */
  registerGateways?: boolean;
}

export interface LabFile {
  path: string;
  content: string;
  mode: number;
  owner?: 'root' | 'www-data' | 'postgres';
}

function envFile(i: PbxFileInput): string {
  return [
    'APP_NAME="FS PBX"',
    'APP_ENV=production',
    `APP_KEY=base64:${i.appKey}`,
    'APP_DEBUG=false',
    `APP_URL=https://${i.domain}`,
    'VERSION=1.9.4',
    '',
    'DB_CONNECTION=pgsql',
    'DB_HOST=127.0.0.1',
    'DB_PORT=5432',
    'DB_DATABASE=fusionpbx',
    'DB_USERNAME=fusionpbx',
    `DB_PASSWORD=${i.dbPassword}`,
    '',
    'FS_ESL_IP=127.0.0.1',
    'FS_ESL_PORT=8021',
    'FS_ESL_PW=ClueCon',
    '',
    'CACHE_DRIVER=file',
    'SESSION_DRIVER=file',
    '',
  ].join('\n');
}

const ARTISAN = `#!/usr/bin/env php
<?php

use Symfony\\Component\\Console\\Input\\ArgvInput;

define('LARAVEL_START', microtime(true));

// Register the Composer autoloader...
require __DIR__.'/vendor/autoload.php';

// Bootstrap Laravel and handle the command...
$status = (require_once __DIR__.'/bootstrap/app.php')
    ->handleCommand(new ArgvInput);

exit($status);
`;

function configConf(i: PbxFileInput): string {
  return [
    '',
    '#database system settings',
    'database.0.type = pgsql',
    'database.0.host = 127.0.0.1',
    'database.0.port = 5432',
    'database.0.sslmode = prefer',
    'database.0.name = fusionpbx',
    'database.0.username = fusionpbx',
    `database.0.password = ${i.dbPassword}`,
    '',
    '#database switch settings',
    'database.1.type = sqlite',
    'database.1.path = /var/lib/freeswitch/db',
    'database.1.name = core.db',
    '',
    '#general settings',
    'document.root = /var/www/fspbx/public',
    'project.path =',
    'temp.dir = /tmp',
    'php.dir = /usr/bin',
    'php.bin = php',
    '',
    '#cache settings',
    'cache.method = file',
    'cache.location = /var/cache/fusionpbx',
    'cache.settings = true',
    '',
    '#switch settings',
    'switch.conf.dir = /etc/freeswitch',
    'switch.sounds.dir = /usr/share/freeswitch/sounds',
    'switch.database.dir = /var/lib/freeswitch/db',
    'switch.recordings.dir = /var/lib/freeswitch/recordings',
    'switch.storage.dir = /var/lib/freeswitch/storage',
    'switch.voicemail.dir = /var/lib/freeswitch/storage/voicemail',
    'switch.scripts.dir = /usr/share/freeswitch/scripts',
    '',
    '#switch xml handler',
    'xml_handler.fs_path = false',
    'xml_handler.reg_as_number_alias = false',
    'xml_handler.number_as_presence_id = true',
    '',
    '#error reporting options: user,dev,all',
    'error.reporting = user',
    '',
  ].join('\n');
}

/** vars.xml as FS PBX regenerates it: one `set` per enabled v_vars row, grouped by category. */
export function varsXml(domain: string): string {
  const out = ['<include>'];
  let category = '';
  for (const v of stockVars(domain)) {
    if (!v.enabled) continue;
    if (v.category !== category) {
      category = v.category;
      out.push(`\t<!-- ${category} -->`);
    }
    out.push(`\t<X-PRE-PROCESS cmd="set" data="${v.name}=${v.value}" />`);
  }
  out.push('</include>', '');
  return out.join('\n');
}

const SWITCH_CONF = `<configuration name="switch.conf" description="Core Configuration">
  <cli-keybindings>
    <key name="1" value="help"/>
    <key name="2" value="status"/>
    <key name="3" value="show channels"/>
    <key name="4" value="show calls"/>
    <key name="5" value="sofia status"/>
    <key name="6" value="reloadxml"/>
    <key name="7" value="console loglevel 0"/>
    <key name="8" value="console loglevel 7"/>
    <key name="9" value="sofia status profile internal"/>
    <key name="10" value="sofia profile internal siptrace on"/>
    <key name="11" value="sofia profile internal siptrace off"/>
    <key name="12" value="version"/>
  </cli-keybindings>
  <default-ptimes>
  </default-ptimes>
  <settings>
    <param name="colorize-console" value="true"/>
    <param name="dialplan-timestamps" value="false"/>
    <param name="max-db-handles" value="50"/>
    <param name="db-handle-timeout" value="10"/>
    <param name="max-sessions" value="1000"/>
    <param name="sessions-per-second" value="30"/>
    <param name="loglevel" value="debug"/>
    <param name="mailer-app" value="sendmail"/>
    <param name="mailer-app-args" value="-t"/>
    <param name="dump-cores" value="yes"/>
    <!-- <param name="switchname" value="freeswitch"/> -->
    <!-- RTP port range -->
    <!-- <param name="rtp-start-port" value="16384"/> -->
    <!-- <param name="rtp-end-port" value="32768"/> -->
    <param name="rtp-enable-zrtp" value="false"/>
    <param name="core-db-dsn" value="$\${dsn}" />
  </settings>
</configuration>
`;

/** iptables-save output of the host firewall FS PBX installs (reference "Host firewall"). */
export const IPTABLES_RULES = `*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:sip-auth-fail - [0:0]
:sip-auth-ip - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -j sip-auth-ip
-A INPUT -j sip-auth-fail
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 7443 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 5060:5091 -j ACCEPT
-A INPUT -p udp -m udp --dport 5060:5091 -j ACCEPT
-A INPUT -p udp -m udp --dport 16384:32768 -j ACCEPT
-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT
COMMIT
`;

export function fspbxFiles(i: PbxFileInput): LabFile[] {
  return [
    { path: '/var/www/fspbx/.env', content: envFile(i), mode: 0o640, owner: 'www-data' },
    { path: '/var/www/fspbx/artisan', content: ARTISAN, mode: 0o755, owner: 'www-data' },
    {
      path: '/var/www/fspbx/public/index.php',
      content: "<?php\nrequire __DIR__.'/../bootstrap/app.php';\n",
      mode: 0o644,
      owner: 'www-data',
    },
    { path: '/etc/fusionpbx/config.conf', content: configConf(i), mode: 0o640, owner: 'www-data' },
    { path: '/etc/freeswitch/vars.xml', content: varsXml(i.domain), mode: 0o644, owner: 'www-data' },
    {
      path: '/etc/freeswitch/autoload_configs/switch.conf.xml',
      content: SWITCH_CONF,
      mode: 0o644,
      owner: 'www-data',
    },
    {
      path: '/etc/freeswitch/sip_profiles/README',
      content: 'FS PBX generates the SIP profiles from the database (xml_handler): these files are not used.\n',
      mode: 0o644,
      owner: 'www-data',
    },
    { path: '/etc/iptables/rules.v4', content: IPTABLES_RULES, mode: 0o640 },
    {
      path: '/etc/fslab/fs.json',
      content: JSON.stringify(
        {
          // The OS host name; FreeSWITCH's switchname defaults to it (FS src/switch_core.c:360-364).
          hostname: i.switchname,
          local_ip_v4: i.localIp,
          register_gateways: i.registerGateways === true,
          db: { host: i.dbHost, port: i.dbPort, name: 'fusionpbx', user: 'fusionpbx', password: i.dbPassword },
        },
        null,
        1,
      ),
      mode: 0o644,
    },
  ];
}

/** Directories that must exist (owned as on a real host) even when empty. */
export const FSPBX_DIRS: { path: string; owner: 'root' | 'www-data' | 'postgres'; mode: number }[] = [
  { path: '/var/www/fspbx', owner: 'www-data', mode: 0o755 },
  { path: '/var/cache/fusionpbx', owner: 'www-data', mode: 0o755 },
  { path: '/var/lib/fslab', owner: 'root', mode: 0o1777 },
  { path: '/var/log/fslab', owner: 'root', mode: 0o1777 },
  { path: '/var/log/freeswitch', owner: 'www-data', mode: 0o755 },
  { path: '/var/lib/freeswitch/db', owner: 'www-data', mode: 0o755 },
];
