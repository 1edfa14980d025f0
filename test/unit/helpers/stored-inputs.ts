/**
 * A site's inputs as the store keeps them: the contract's site inputs with every secret
 * replaced (store/redact.ts), as a run made by site.plan holds them. Runs written by tests
 * carry these, so the store reads them as it reads the product's own.
 */
import { siteInputs, type SiteInputs } from '../../../contract/schemas';
import { REDACTED } from '../../../contract/secrets';

export function storedInputs(overrides: Partial<SiteInputs> = {}): SiteInputs {
  return siteInputs.parse({
    router: { host: '192.168.88.1', username: 'admin', password: REDACTED },
    pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: REDACTED } },
    trunks: [{ name: 'Carrier', address: '203.0.113.10' }],
    phones: [],
    options: {},
    ...overrides,
  });
}
