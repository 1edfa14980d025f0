import { describe, expect, it } from 'vitest';
import {
  classify,
  parseConfigConf,
  parseDotEnv,
  parseFreeswitchVersion,
} from '../../../electron/pbx/session/fingerprint';

// As an FS PBX 1.9 install writes them (reference/fspbx.md).
const ENV = `APP_NAME="FS PBX"
APP_ENV=production
# database
DB_CONNECTION=pgsql
DB_HOST=127.0.0.1
DB_PASSWORD='p=ss"word'
VERSION=1.9.2
FS_ESL_PW=ClueCon
`;
const CONF = `#database system settings
database.0.type = pgsql
database.0.host = 127.0.0.1
database.0.name = fusionpbx
document.root = /var/www/fspbx/public
switch.conf.dir = /etc/freeswitch
`;

const base = { hasArtisan: true, hostname: 'pbx', hostKey: 'SHA256:x' };

describe('PBX fingerprint', () => {
  it('reads .env values with quotes, equals signs and comments', () => {
    const env = parseDotEnv(ENV);
    expect(env).toMatchObject({ APP_NAME: 'FS PBX', DB_PASSWORD: 'p=ss"word', VERSION: '1.9.2' });
    expect(env['# database']).toBeUndefined();
  });

  it('reads config.conf key = value lines', () => {
    expect(parseConfigConf(CONF)).toMatchObject({
      'database.0.name': 'fusionpbx',
      'document.root': '/var/www/fspbx/public',
    });
  });

  it('reads the FreeSWITCH version line', () => {
    expect(parseFreeswitchVersion('FreeSWITCH Version 1.10.12-release~64bit (-release 64bit)\n')).toBe(
      '1.10.12-release',
    );
    expect(parseFreeswitchVersion('-ERR no reply\n')).toBeUndefined();
  });

  it('names FS PBX with its versions and switchname', () => {
    const summary = classify({
      ...base,
      env: parseDotEnv(ENV),
      configConf: parseConfigConf(CONF),
      freeswitchVersion: '1.10.12-release',
      switchname: 'pbx.example.net',
    });
    expect(summary).toEqual({
      kind: 'fspbx',
      hostname: 'pbx',
      hostKey: 'SHA256:x',
      fspbxVersion: '1.9.2',
      freeswitchVersion: '1.10.12-release',
      switchname: 'pbx.example.net',
    });
  });

  it('names plain FusionPBX: same database, no FS PBX app', () => {
    const conf = parseConfigConf(CONF.replace('/var/www/fspbx/public', '/var/www/fusionpbx'));
    expect(classify({ ...base, hasArtisan: false, configConf: conf }).kind).toBe('fusionpbx');
  });

  it('does not take a Laravel app that is not FS PBX, or a bare host, for a PBX', () => {
    expect(classify({ ...base, env: { APP_NAME: 'Laravel' } }).kind).toBe('not-a-pbx');
    expect(classify({ ...base, hasArtisan: false }).kind).toBe('not-a-pbx');
    expect(classify({ ...base, env: parseDotEnv(ENV), hasArtisan: false }).kind).toBe('not-a-pbx');
  });
});
