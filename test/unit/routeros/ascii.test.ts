import { describe, expect, it } from 'vitest';
import { asciiName } from '../../../electron/routeros/change';
import { rosString } from '../../../electron/routeros/script';

describe('what the wizard writes on the router is ASCII', () => {
  it('transliterates names: accents dropped, other letters "?"', () => {
    expect(asciiName('Müller GmbH')).toBe('Muller GmbH');
    expect(asciiName('Straße Øst')).toBe('Strasse Ost');
    expect(asciiName('Иван 王')).toBe('???? ?');
    expect(asciiName('tab\there')).toBe('tab?here');
  });

  it('writes bytes read from the router back as the same bytes in a script', () => {
    const utf8Bytes = Buffer.from('ö', 'utf8').toString('latin1'); // as the API client holds them
    expect(rosString(utf8Bytes)).toBe('"\\C3\\B6"');
    expect(rosString('\u00fc')).toBe('"\\FC"'); // one byte 0xFC, not its UTF-8 form
  });
});
