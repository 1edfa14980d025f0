/**
 * vars.xml against an independent oracle: the expected files below are written by hand from
 * FS PBX's own writer (FusionPBX app/vars/resources/classes/vars.php, save_var_xml: enabled rows
 * `order by var_category, var_order`, a `<!-- category -->` line after a blank line at each new
 * category, 'Provision' rows left out, a row with a var_hostname written only on that host,
 * `cmd` from var_command or 'set', a closing blank line), never rendered by the code under test.
 * What FS PBX would write unsafely (issue 21 item 2) is refused instead: `"`, `<`, `>`, `&`, a
 * newline or a control character in a name or value, and an exec-set line the PBX did not
 * already have.
 */
import { describe, expect, it } from 'vitest';
import type { VarRow } from '../../../electron/pbx/model/state';
import { renderVarsXml } from '../../../electron/pbx/plan/vars-xml';

let uuid = 0;
function row(category: string | null, name: string, value: string, fields: Partial<VarRow> = {}): VarRow {
  uuid += 1;
  return {
    var_uuid: `c0000000-0000-4000-8000-${String(uuid).padStart(12, '0')}`,
    var_category: category,
    var_name: name,
    var_value: value,
    var_command: 'set',
    var_hostname: null,
    var_enabled: 'true',
    var_order: '0',
    var_description: '',
    ...fields,
  };
}

/** The file written, failing the test on a refusal. */
function xmlOf(rows: VarRow[], hostname: string, onDisk: string | null = null): string {
  const rendered = renderVarsXml(rows, hostname, onDisk);
  if (!rendered.ok) throw new Error(rendered.error.message);
  return rendered.value.xml;
}

const line = (name: string, value: string, cmd = 'set') => `<X-PRE-PROCESS cmd="${cmd}" data="${name}=${value}" />`;

describe('vars.xml as FS PBX writes it', () => {
  it('writes enabled rows by category in database order, then var_order, one comment per category', () => {
    const rows = [
      row('Defaults', 'default_country', 'US', { var_order: '10' }),
      row('Defaults', 'call_debug', 'false', { var_order: '9' }),
      row('Defaults', 'default_language', 'en', { var_order: null }),
      row('IP Address', 'external_sip_ip', 'autonat:203.0.113.2', { var_order: '1' }),
      row('IP Address', 'external_rtp_ip', 'autonat:203.0.113.2', { var_order: '0' }),
    ];
    const expected = [
      '',
      '<!-- Defaults -->',
      '<X-PRE-PROCESS cmd="set" data="call_debug=false" />',
      '<X-PRE-PROCESS cmd="set" data="default_country=US" />',
      '<X-PRE-PROCESS cmd="set" data="default_language=en" />',
      '',
      '<!-- IP Address -->',
      '<X-PRE-PROCESS cmd="set" data="external_rtp_ip=autonat:203.0.113.2" />',
      '<X-PRE-PROCESS cmd="set" data="external_sip_ip=autonat:203.0.113.2" />',
      '',
      '',
    ].join('\n');
    expect(xmlOf(rows, 'pbx')).toBe(expected);
  });

  it('leaves out Provision rows, and still starts the next category with its comment', () => {
    const rows = [
      row('Defaults', 'call_debug', 'false'),
      row('Provision', 'provision_secret_path', '/srv/prov'),
      row('Provision', 'provision_token', 'abc'),
      row('SIP', 'internal_sip_port', '5060'),
    ];
    expect(xmlOf(rows, 'pbx')).toBe(
      [
        '',
        '<!-- Defaults -->',
        line('call_debug', 'false'),
        '',
        '<!-- SIP -->',
        line('internal_sip_port', '5060'),
        '',
        '',
      ].join('\n'),
    );
  });

  it('leaves out disabled rows (a category of disabled rows only gets no comment)', () => {
    const rows = [
      row('Codecs', 'global_codec_prefs', 'G722,PCMU', { var_enabled: 'false' }),
      row('Defaults', 'call_debug', 'false', { var_enabled: 'false', var_order: '0' }),
      row('Defaults', 'default_country', 'US', { var_order: '1' }),
      row('SIP', 'sip_tls_version', 'tlsv1.2', { var_enabled: null }),
    ];
    expect(xmlOf(rows, 'pbx')).toBe(['', '<!-- Defaults -->', line('default_country', 'US'), '', ''].join('\n'));
  });

  it("writes a row for another host nowhere but on that host; its category's comment stays, as FS PBX writes it", () => {
    const rows = [
      row('IP Address', 'external_rtp_ip', 'autonat:203.0.113.2', { var_hostname: 'pbx-b', var_order: '0' }),
      row('IP Address', 'external_rtp_ip', 'autonat:198.51.100.7', { var_hostname: 'pbx-a', var_order: '1' }),
      row('IP Address', 'external_sip_ip', 'autonat:198.51.100.7', { var_hostname: '', var_order: '2' }),
      row('Other', 'only_on_b', '1', { var_hostname: 'pbx-b' }),
    ];
    expect(xmlOf(rows, 'pbx-a')).toBe(
      [
        '',
        '<!-- IP Address -->',
        line('external_rtp_ip', 'autonat:198.51.100.7'),
        line('external_sip_ip', 'autonat:198.51.100.7'),
        '',
        '<!-- Other -->',
        '',
        '',
      ].join('\n'),
    );
    expect(xmlOf(rows, 'pbx-b')).toBe(
      [
        '',
        '<!-- IP Address -->',
        line('external_rtp_ip', 'autonat:203.0.113.2'),
        line('external_sip_ip', 'autonat:198.51.100.7'),
        '',
        '<!-- Other -->',
        line('only_on_b', '1'),
        '',
        '',
      ].join('\n'),
    );
  });

  it("takes the row's command, 'set' when it has none", () => {
    const rows = [
      row('Defaults', 'a', '1', { var_command: null, var_order: '0' }),
      row('Defaults', 'b', '2', { var_command: '', var_order: '1' }),
    ];
    expect(xmlOf(rows, 'pbx')).toBe(['', '<!-- Defaults -->', line('a', '1'), line('b', '2'), '', ''].join('\n'));
  });

  it('writes values FreeSWITCH reads literally byte for byte: $${…}, an = in the value, quotes of the other kind, non-ASCII', () => {
    const rows = [
      row('Defaults', 'domain', '$${local_ip_v4}', { var_order: '0' }),
      row('Defaults', 'codec_string', 'opus@48000h@20i,PCMU', { var_order: '1' }),
      row('Defaults', 'sip_h_X', 'a=b', { var_order: '2' }),
      row('Defaults', 'company', "O'Brien Büro", { var_order: '3' }),
    ];
    expect(xmlOf(rows, 'pbx')).toBe(
      [
        '',
        '<!-- Defaults -->',
        '<X-PRE-PROCESS cmd="set" data="domain=$${local_ip_v4}" />',
        '<X-PRE-PROCESS cmd="set" data="codec_string=opus@48000h@20i,PCMU" />',
        '<X-PRE-PROCESS cmd="set" data="sip_h_X=a=b" />',
        `<X-PRE-PROCESS cmd="set" data="company=O'Brien Büro" />`,
        '',
        '',
      ].join('\n'),
    );
  });

  it('writes NULL order last wherever it comes in, and NULL or empty text as FS PBX prints it (nothing)', () => {
    const rows = [
      row('Defaults', 'c', '3', { var_order: null }),
      row('Defaults', 'b', '2', { var_order: '20' }),
      row('Defaults', 'a', '1', { var_order: '3' }),
      row(null, '', '', { var_name: null, var_value: null }),
    ];
    expect(xmlOf(rows, 'pbx')).toBe(
      [
        '',
        '<!-- Defaults -->',
        line('a', '1'),
        line('b', '2'),
        line('c', '3'),
        '',
        '<!--  -->',
        line('', ''),
        '',
        '',
      ].join('\n'),
    );
    // An empty category first: FS PBX starts with an empty "previous" category, so it gets no comment.
    expect(xmlOf([row('', 'a', '1'), row('X', 'b', '2')], 'pbx')).toBe(
      [line('a', '1'), '', '<!-- X -->', line('b', '2'), '', ''].join('\n'),
    );
  });

  it('writes an empty file (one blank line) when no row is enabled', () => {
    expect(xmlOf([], 'pbx')).toBe('\n');
    expect(xmlOf([row('Defaults', 'a', '1', { var_enabled: 'false' })], 'pbx')).toBe('\n');
  });
});

describe('vars.xml refuses what would change its meaning (issue 21 item 2)', () => {
  const hostile = [
    ['a double quote', 'x" />'],
    ['a <', '<X-PRE-PROCESS cmd="exec-set" data="y=id" />'],
    ['a >', 'a>b'],
    ['an &', 'a&amp;b'],
    ['a newline', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['a tab', 'a\tb'],
    ['a control character', 'a\u0001b'],
    ['DEL', 'a\u007fb'],
    ['a line separator', 'a\u2028b'],
  ] as const;

  it('refuses each in a value, a name and a category, naming the variable and where to correct it', () => {
    for (const [what, text] of hostile) {
      for (const [where, rows] of [
        ['value', [row('Defaults', 'safe_name', text)]],
        ['name', [row('Defaults', `name${text}`, 'safe')]],
        ['category', [row(`Cat${text}`, 'safe_name', 'safe')]],
      ] as const) {
        const rendered = renderVarsXml(rows, 'pbx', null);
        expect(rendered.ok, `${what} in a ${where}`).toBe(false);
        if (rendered.ok) continue;
        expect(rendered.error.code).toBe('invalid_input');
        expect(rendered.error.message).toMatch(/Advanced › Variables/);
      }
    }
  });

  it('says in the refusal which variable, what is wrong with it, and where to correct it', () => {
    const bad = row('Defaults', 'greeting', 'a"b');
    const refused = renderVarsXml([bad], 'pbx', null);
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        field: 'pbx',
        message:
          'The PBX variable "greeting" has a quote, <, >, &, a line break or a control character in its name or value, which vars.xml cannot hold safely: correct it in FS PBX (Advanced › Variables) and plan again.',
        detail: `v_vars ${bad.var_uuid}: category "Defaults", value "a\\"b"`,
      },
    });
    const category = renderVarsXml([row('A<B', 'x', '1')], 'pbx', null);
    expect(!category.ok && category.error.message).toBe(
      'The PBX variable "x" has a category name, which vars.xml cannot hold safely: correct it in FS PBX (Advanced › Variables) and plan again.',
    );
    const nameless = renderVarsXml([row('Defaults', '', '<', { var_name: null })], 'pbx', null);
    expect(!nameless.ok && nameless.error.message).toMatch(/^The PBX variable "" has /);
    // A hostile category the PBX's own vars.xml already shows is the PBX's: kept.
    expect(renderVarsXml([row('A<B', 'x', '1')], 'pbx', '<!-- A<B -->\n').ok).toBe(true);
  });

  it('refuses a hostile row even for another host or with its hostile text only in the part after =', () => {
    expect(renderVarsXml([row('Defaults', 'a', '1" /><X-PRE-PROCESS cmd="exec-set" data="b=id')], 'pbx', null).ok).toBe(
      false,
    );
    // Another host's row is not written here, so there is nothing to refuse on this host.
    expect(xmlOf([row('Defaults', 'a', 'x"y', { var_hostname: 'pbx-b' })], 'pbx')).toBe(
      ['', '<!-- Defaults -->', ''].join('\n') + '\n',
    );
  });

  it('never writes a new exec-set line: the row is left out with a warning that names it', () => {
    const rows = [
      row('Defaults', 'call_debug', 'false'),
      // FS PBX writes exec-set for the Exec-Set category whatever var_command says.
      row('Exec-Set', 'hostname', 'hostname', { var_command: 'set' }),
      row('Defaults2', 'bind', 'x', { var_command: 'exec-set' }),
    ];
    const rendered = renderVarsXml(rows, 'pbx', null);
    if (!rendered.ok) throw new Error(rendered.error.message);
    expect(rendered.value.xml).toBe(
      [
        '',
        '<!-- Defaults -->',
        line('call_debug', 'false'),
        '',
        '<!-- Exec-Set -->',
        '',
        '<!-- Defaults2 -->',
        '',
        '',
      ].join('\n'),
    );
    expect(rendered.value.warnings.map((w) => [w.code, w.target])).toEqual([
      ['vars-command-left-out', 'pbx'],
      ['vars-command-left-out', 'pbx'],
    ]);
    expect(rendered.value.warnings[0]!.message).toBe(
      'The PBX variable "hostname" asks vars.xml for "exec-set", which vars.xml does not hold now: the wizard never writes such a line (it runs a command on the PBX). Check it in FS PBX (Advanced › Variables).',
    );
  });

  it("keeps the PBX's own exec-set line, byte for byte, when its vars.xml already holds it (indented or not)", () => {
    const own = '<X-PRE-PROCESS cmd="exec-set" data="hostname=hostname" />';
    const onDisk = ['<include>', `  ${own}`, '</include>', ''].join('\n');
    const rows = [row('Exec-Set', 'hostname', 'hostname')];
    const rendered = renderVarsXml(rows, 'pbx', onDisk);
    if (!rendered.ok) throw new Error(rendered.error.message);
    expect(rendered.value.xml).toBe(['', '<!-- Exec-Set -->', own, '', ''].join('\n'));
    expect(rendered.value.warnings).toEqual([]);
    // The same row with another value is a new line: left out.
    const changed = renderVarsXml([row('Exec-Set', 'hostname', 'id')], 'pbx', onDisk);
    expect(changed.ok && changed.value.xml).toBe(['', '<!-- Exec-Set -->', '', ''].join('\n'));
  });

  it("recognises the PBX's own exec-set line by what it says, whatever its spacing, and writes it back as the PBX has it", () => {
    const rows = [row('Exec-Set', 'hostname', 'hostname')];
    for (const own of [
      '<X-PRE-PROCESS cmd="exec-set" data="hostname=hostname"/>',
      '<X-PRE-PROCESS  cmd = "exec-set"   data =  "hostname=hostname"  />',
      '<X-PRE-PROCESS\tcmd="exec-set"\tdata="hostname=hostname" />',
    ]) {
      const rendered = renderVarsXml(rows, 'pbx', `<include>\n  ${own}\n</include>\n`);
      expect(rendered.ok && rendered.value.xml, own).toBe(['', '<!-- Exec-Set -->', own, '', ''].join('\n'));
    }
    // Not the PBX's own: another command or other data, or a line that is not a whole directive.
    for (const other of [
      '<X-PRE-PROCESS cmd="exec-set" data="hostname=id"/>',
      '<X-PRE-PROCESS cmd="exec-sets" data="hostname=hostname"/>',
      '<X-PRE-PROCESScmd="exec-set" data="hostname=hostname"/>',
      '<X-PRE-PROCESS cmd="exec-set"data="hostname=hostname"/>',
      'x<X-PRE-PROCESS cmd="exec-set" data="hostname=hostname"/>',
      '<X-PRE-PROCESS cmd="exec-set" data="hostname=hostname"/>x',
      '<X-PRE-PROCESS cmd="exec-set" data="hostname=hostname"/ >',
    ]) {
      const rendered = renderVarsXml(rows, 'pbx', `${other}\n`);
      expect(rendered.ok && rendered.value.xml, other).toBe(['', '<!-- Exec-Set -->', '', ''].join('\n'));
    }
  });

  it("writes back a line the PBX's vars.xml already holds, whatever it holds", () => {
    const own = '<X-PRE-PROCESS cmd="set" data="odd=a&b" />';
    const rendered = renderVarsXml([row('Defaults', 'odd', 'a&b')], 'pbx', `${own}\n`);
    expect(rendered.ok && rendered.value.xml).toBe(['', '<!-- Defaults -->', own, '', ''].join('\n'));
  });
});
