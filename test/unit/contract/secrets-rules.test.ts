/**
 * The redaction rules one by one, with the exact text they leave: each form a secret is written in
 * (vars.xml, XML params, config lines, commands and SQL, URLs), what is kept byte for byte around
 * it, the values never worth hiding, and known values found again in their JSON and HTML spellings.
 */
import { describe, expect, it } from 'vitest';
import {
  hideValues,
  isSecretName,
  MIN_SEARCHED,
  REDACTED,
  redactDeep,
  redactText,
  secretValuesIn,
} from '../../../contract/secrets';

const R = REDACTED;

describe('secret names', () => {
  it('are found by a whole word of the name, however it is written', () => {
    for (const name of [
      'sip_pass',
      'db_pwd',
      'bind_pw',
      'aws_credential',
      'Voicemail-PIN',
      'x.token',
      'auth:secret',
      'oauth_refreshtoken',
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
    // An API key written as one word is a secret even beside a word that makes other keys public.
    expect(isSecretName('public_apikey')).toBe(true);
  });

  it('are found inside one word when it ends in a secret word or holds a password', () => {
    for (const name of [
      'defaultpassword',
      'dbpasswd',
      'clientsecret',
      'refreshtoken',
      'mypassphrasefile',
      'passwordhash',
      'passwdfile',
      'secretvalue',
      'pass_word',
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
    // A word that only starts or contains "token" or "pin" is not one.
    for (const name of ['tokenizer', 'ping', 'spinner', 'opinion', 'passthrough', 'compass']) {
      expect(isSecretName(name), name).toBe(false);
    }
  });

  it('split camel case before judging: a word boundary is a lower-case letter or digit before a capital', () => {
    expect(isSecretName('voicemailPin')).toBe(true);
    expect(isSecretName('sip2Pw')).toBe(true);
    expect(isSecretName('SPIN')).toBe(false);
    expect(isSecretName('SHIPPING')).toBe(false);
  });

  it('take a key of each secret kind, and no key that says it is public', () => {
    for (const kind of [
      'auth',
      'access',
      'encryption',
      'license',
      'licence',
      'signing',
      'session',
      'shared',
      'master',
    ]) {
      expect(isSecretName(`${kind}_key`), kind).toBe(true);
    }
    expect(isSecretName('hmacKey')).toBe(true);
    for (const name of ['public_key', 'host_key', 'key_fingerprint', 'bundle_key', 'known_key', 'pub_key', 'row_key']) {
      expect(isSecretName(name), name).toBe(false);
    }
    // The public word wins over a key kind: a public signing key, a host's, its fingerprint are shown.
    for (const name of [
      'public_signing_key',
      'host_signing_key',
      'signing_key_fingerprint',
      'bundle_signing_key',
      'known_signing_keys',
      'pub_signing_key',
    ]) {
      expect(isSecretName(name), name).toBe(false);
    }
    // But never over a private key, however it is written.
    for (const name of ['host_private_key', 'hostPrivateKey', 'bundle_privatekey', 'known-private-key']) {
      expect(isSecretName(name), name).toBe(true);
    }
  });
});

describe('redacting text', () => {
  it('a vars.xml line keeps its quotes and name; another name in it is left alone', () => {
    expect(redactText(`<X-PRE-PROCESS cmd='set' data='voicemail_pin=1234'/>`)).toBe(
      `<X-PRE-PROCESS cmd='set' data='voicemail_pin=${R}'/>`,
    );
    expect(redactText('<X-PRE-PROCESS cmd="set" data="domain=pbx.example.net"/>')).toBe(
      '<X-PRE-PROCESS cmd="set" data="domain=pbx.example.net"/>',
    );
    // The closing quote must be the opening one: a data attribute opened by " is not closed by '.
    expect(redactText(`data="xpin=1'`)).toBe(`data="xpin=1'`);
  });

  it('an XML param or variable: its value alone, whatever the order, quotes or case of the attributes', () => {
    expect(redactText('<param name="password" value="pw-1"/>')).toBe(`<param name="password" value="${R}"/>`);
    expect(redactText(`<variable value='pw-2' name = 'sip_secret' />`)).toBe(
      `<variable value="${R}" name = 'sip_secret' />`,
    );
    expect(redactText('<PARAM NAME="Password" VALUE="pw-3">')).toBe(`<PARAM NAME="Password" value="${R}">`);
    expect(redactText('<param name="password"  value = "pw-5" />')).toBe(`<param name="password"  value="${R}" />`);
    // Another parameter, a tag without a name, and a tag of another kind are left as they are.
    for (const tag of [
      '<param name="username" value="1001"/>',
      '<param value="pw-4"/>',
      '<gateway name="password" value="x"/>',
      '<params><param name="realm" value="sip.example.net"/></params>',
    ]) {
      expect(redactText(tag)).toBe(tag);
    }
  });

  it('a name = value line keeps its indent, export, name and separator, line by line', () => {
    const text = [
      '  DB_PASSWORD = hunter2',
      'export API_TOKEN=abc',
      '\tsecret:x y z',
      'username: admin',
      'password=',
      'db.password : p',
    ].join('\n');
    // An empty password line leaves the next line whole (its separator once took the newline and the next word).
    expect(redactText(text)).toBe(
      [
        '  DB_PASSWORD = ' + R,
        'export API_TOKEN=' + R,
        '\tsecret:' + R,
        'username: admin',
        'password=',
        'db.password : ' + R,
      ].join('\n'),
    );
    expect(redactText('Enter the password\nfor root')).toBe('Enter the password\nfor root');
    expect(redactText('export \t DB_PASSWORD=x')).toBe(`export \t DB_PASSWORD=${R}`);
  });

  it('a name = value line whose value is never worth hiding is left alone', () => {
    const fingerprint = `SHA256:${'A'.repeat(43)}`;
    const pairs = Array.from({ length: 32 }, () => 'ab').join(':');
    for (const value of ['yes', 'No', 'TRUE', 'false', R, '[hidden]', fingerprint, pairs]) {
      expect(redactText(`password: ${value}`), value).toBe(`password: ${value}`);
    }
    // Judged without the spaces after it.
    expect(redactText('password: yes  ')).toBe('password: yes  ');
    // Not harmless just for starting or ending like one.
    expect(redactText('password: yesterday')).toBe(`password: ${R}`);
    expect(redactText('password: not-true')).toBe(`password: ${R}`);
    expect(redactText(`password: ${fingerprint}x`)).toBe(`password: ${R}`);
  });

  it('PGPASSWORD and password inside a command or SQL, quoted or not, up to the value only', () => {
    expect(redactText("env PGPASSWORD='a b' psql -U fusionpbx")).toBe(`env PGPASSWORD=${R} psql -U fusionpbx`);
    // At a line's start the whole rest of the line is the value (the name = value rule).
    expect(redactText("PGPASSWORD='a b' psql -U fusionpbx")).toBe(`PGPASSWORD=${R}`);
    // A colon separates too, and the separator is kept as written.
    expect(redactText('the password: hunter2, then')).toBe(`the password: ${R} then`);
    expect(redactText("ALTER USER x WITH PASSWORD 'it''s' VALID")).toBe(`ALTER USER x WITH PASSWORD ${R} VALID`);
    expect(redactText('run --password "p w" now')).toBe(`run --password ${R} now`);
    expect(redactText('sudo -S x; password  =  p1; done')).toBe(`sudo -S x; password  =  ${R} done`);
    expect(redactText('ask for password yes')).toBe('ask for password yes');
    expect(redactText('login --password \t pw7 now')).toBe(`login --password \t ${R} now`);
    // A word that only ends in "password" is not the keyword.
    expect(redactText('mypassword plain')).toBe('mypassword plain');
  });

  it('a password in a URL, and nothing else of it', () => {
    expect(redactText('sip://1001:pw9@pbx.example.net:5060 ok')).toBe(`sip://1001:${R}@pbx.example.net:5060 ok`);
    expect(redactText('see https://pbx.example.net:8443/app')).toBe('see https://pbx.example.net:8443/app');
    expect(redactText('https://a@b.example')).toBe('https://a@b.example');
  });
});

describe('known values found again', () => {
  it('in their plain, JSON and HTML spellings', () => {
    const value = `p"w<1>&'x\\y`;
    const json = JSON.stringify({ v: value });
    const html = '<td>p&quot;w&lt;1&gt;&amp;&#39;x\\y</td>';
    expect(hideValues(`${value} ${json} ${html}`, [value])).toBe(`${R} {"v":"${R}"} <td>${R}</td>`);
    expect(hideValues(JSON.stringify(html.slice(4, -5)), [value])).toBe(`"${R}"`);
  });

  it(`only when they are ${MIN_SEARCHED} characters or more, not a short number, and not a harmless word`, () => {
    expect(MIN_SEARCHED).toBe(4);
    expect(hideValues('abc abcd', ['abc'])).toBe('abc abcd');
    expect(hideValues('abc abcd', ['abcd'])).toBe(`abc ${R}`);
    expect(hideValues('port 5060, 1234567 and 12345678', ['5060', '1234567', '12345678'])).toBe(
      `port 5060, 1234567 and ${R}`,
    );
    expect(hideValues('x5060', ['x5060'])).toBe(R);
    expect(hideValues('true false', ['true', 'false'])).toBe('true false');
  });
});

describe('secret values by structure', () => {
  it('beside each kind of name field, and in fields named as secrets', () => {
    expect(
      secretValuesIn([
        { sip_profile_setting_name: 'tls-passphrase', sip_profile_setting_value: 'v-1' },
        { default_setting_subcategory: 'api_key', default_setting_value: 'v-2' },
        { name: 'password', value: 'v-3' },
        { var_name: 'ldap_bind_pw', var_value: 'v-4' },
        { sudoPassword: 'v-5', username: 'root' },
        { name: 'username', value: 'root' },
        { name: 'password', value: 70707070 },
        { pin: 8080 },
        { password: true, secret: { nested: 'not-a-value' } },
        { name: 'password', value: { nested: 'not-a-value-either' } },
        { name: 5, value: 'not-named' },
        null,
        'data="domain=x" data=\'db_pwd=v-6\'',
      ]).sort(),
    ).toEqual(['70707070', '8080', 'v-1', 'v-2', 'v-3', 'v-4', 'v-5', 'v-6']);
  });

  it('leaves out values never worth hiding, and stops at 64 levels of nesting', () => {
    expect(secretValuesIn({ password: '', token: 'yes', secret: R, pin: '1234' })).toEqual(['1234']);
    let deep: unknown = { password: 'deep-1' };
    for (let i = 0; i < 64; i += 1) deep = [deep];
    expect(secretValuesIn(deep)).toEqual(['deep-1']);
    expect(secretValuesIn([deep])).toEqual([]);
    let record: unknown = { password: 'deep-2' };
    for (let i = 0; i < 64; i += 1) record = { inner: record };
    expect(secretValuesIn(record)).toEqual(['deep-2']);
    expect(secretValuesIn({ inner: record })).toEqual([]);
  });

  it('are hidden everywhere, the longest first so no tail of one is left behind', () => {
    const out = redactDeep({ rows: [{ name: 'password', value: 'abcd1234' }], note: 'old abcd1234, new abcd' }, [
      'abcd',
    ]);
    expect(out).toEqual({ rows: [{ name: 'password', value: R }], note: `old ${R}, new ${R}` });
  });

  it('keep every other field and value as it was, a harmless secret field too', () => {
    const value = { user: 'root', port: 22, on: true, none: null, list: [1, 'a'], password: '', token: 'false' };
    expect(redactDeep(value)).toEqual(value);
    expect(redactDeep('password=abc')).toBe(`password=${R}`);
    // A secret's name over an object: what is inside is judged field by field.
    expect(
      redactDeep({ credentials: { username: 'root', password: 'pw-8' }, pairs: [{ name: 5, value: 'v' }] }),
    ).toEqual({
      credentials: { username: 'root', password: R },
      pairs: [{ name: 5, value: 'v' }],
    });
  });

  it('hide a secret held as a number, and find its digits again in text', () => {
    const plan = { before: { name: 'password', value: 98765432 }, pin: 4321, sql: "SET x = '98765432'" };
    expect(redactDeep(plan)).toEqual({ before: { name: 'password', value: R }, pin: R, sql: `SET x = '${R}'` });
  });
});
