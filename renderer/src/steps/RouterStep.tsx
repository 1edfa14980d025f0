import type { AppError } from '../../../contract/errors';
import type { RouterSummary } from '../../../contract/types';
import { Field } from '../components/Field';
import { useWizard } from '../store/context';
import type { NoCertificateChoice, RouterForm } from '../store/credentials';
import type { Load } from '../store/load';
import { LoginStep, type LoginBox } from './LoginStep';

function RouterFields({
  form,
  setForm,
  fieldError,
}: {
  form: RouterForm;
  setForm: (patch: Partial<RouterForm>) => void;
  fieldError: AppError | undefined;
}) {
  const errorOf = (field: string) => (fieldError?.field === field ? fieldError.message : undefined);
  return (
    <>
      <Field
        label="Router address"
        value={form.host}
        placeholder="192.168.88.1"
        autoComplete="off"
        onChange={(e) => setForm({ host: e.target.value })}
        error={errorOf('host')}
      />
      <Field
        label="User"
        value={form.username}
        autoComplete="username"
        onChange={(e) => setForm({ username: e.target.value })}
        error={errorOf('username')}
      />
      <Field
        label="Password"
        type="password"
        value={form.password}
        autoComplete="current-password"
        onChange={(e) => setForm({ password: e.target.value })}
      />
      <Field
        label="API port"
        value={form.port}
        inputMode="numeric"
        placeholder={form.tls ? '8729' : '8728'}
        hint="Leave empty for the standard port."
        onChange={(e) => setForm({ port: e.target.value })}
        error={errorOf('port')}
      />
      <label className="check">
        <input type="checkbox" checked={!form.tls} onChange={(e) => setForm({ tls: !e.target.checked })} />
        Use the plain API (8728): the password crosses the LAN unencrypted
      </label>
    </>
  );
}

function RouterDetails({ value }: { value: RouterSummary }) {
  return (
    <div className="note" role="status" aria-label="Router details">
      <p>
        <strong>{value.identity}</strong> · RouterOS {value.version} · {value.board}
      </p>
      <p>WAN {value.wanAddresses.join(', ') || 'not found'}</p>
      {!value.canWrite && <p className="field-error">This account is read-only: log in with a user that can write.</p>}
      {value.writeAccessUnknown && (
        <p className="warn">
          The router does not say what this account may change (a RADIUS login): the apply will tell.
        </p>
      )}
      {value.insecure && <p className="warn">Plain API: the password crossed the LAN unencrypted.</p>}
      {value.emptyPassword && (
        <p className="warn">
          This router account has no password: anyone on the LAN can change the router. Set one in WinBox › System ›
          Users.
        </p>
      )}
      {value.doubleNat && <p className="warn">The WAN address is private: another router is in front (double NAT).</p>}
      {value.apiSslCertificate && (
        <p>
          API-SSL uses the certificate “{value.apiSslCertificate.name}”
          {value.apiSslCertificate.made ? ', made by the wizard over SSH just now' : ''}; it is pinned, and it stays on
          the router (a rollback leaves it).
        </p>
      )}
    </div>
  );
}

/**
 * The ways on from a stock API-SSL, in the technician's words; none is chosen for them. `anonymous`
 * ways need anonymous-DH suites, which the desktop app's TLS (BoringSSL) does not have.
 */
export const NO_CERTIFICATE_CHOICES: readonly { choice: NoCertificateChoice; label: string; anonymous?: true }[] = [
  {
    choice: 'ssh-certificate',
    label:
      "Give the router a certificate over SSH (recommended; you accept the router's SSH key, then the certificate is pinned)",
  },
  {
    choice: 'make-certificate',
    label:
      "Give the router a certificate over this unverified connection, then pin it (changes the router's certificate list)",
    anonymous: true,
  },
  {
    choice: 'anonymous',
    label: "Connect without verifying this time (encrypted; the router's identity cannot be checked)",
    anonymous: true,
  },
  { choice: 'plain-api', label: 'Use the plain API on 8728 (the password crosses the LAN unencrypted)' },
];

/** The ways this app can take: where app.info says its TLS has no anonymous suites, those ways are not offered. */
export function noCertificateChoicesFor(anonymousTls: boolean | undefined) {
  return NO_CERTIFICATE_CHOICES.filter((c) => anonymousTls !== false || !c.anonymous);
}

/** `no_certificate`: the router's sentence, then the ways on, each reading the router again that way. */
function NoCertificateChoices({ error }: { error: AppError }) {
  const choose = useWizard((s) => s.chooseNoCertificate);
  const info = useWizard((s) => s.info);
  const choices = noCertificateChoicesFor(info.status === 'done' ? info.value.anonymousTls : undefined);
  return (
    <div className="note note-error" role="alert">
      <p>
        <strong>{error.message}</strong>
        <span className="code">({error.code})</span>
      </p>
      <div className="choices" role="group" aria-label="How to connect to this router">
        {choices.map((c) => (
          <button key={c.choice} type="button" onClick={() => void choose(c.choice)}>
            {c.label}
          </button>
        ))}
      </div>
    </div>
  );
}

/** Stays on the step while the login is unverified: the technician chose it, and should not forget it. */
function UnverifiedNotice({ form, load }: { form: RouterForm; load: Load<RouterSummary> }) {
  const choose = useWizard((s) => s.chooseNoCertificate);
  const chosen = form.tls && form.noCertificate === 'anonymous';
  if (!chosen && !(load.status === 'done' && load.value.unverified)) return null;
  return (
    <div className="note" role="note" aria-label="Unverified router">
      <p className="warn">
        <strong>Not verified:</strong> the connection to this router is encrypted, but its identity cannot be checked
        (API-SSL has no certificate), so another device could be answering in its place. Every later step connects the
        same way.
      </p>
      <button type="button" onClick={() => void choose('make-certificate')} disabled={load.status === 'loading'}>
        Give the router a certificate now, then pin it
      </button>
    </div>
  );
}

export const ROUTER_LOGIN: LoginBox<RouterForm, RouterSummary> = {
  step: 'router',
  lead: 'Log in to the MikroTik. The wizard reads it first; nothing changes until you review the plan.',
  keyName: 'Certificate',
  // On the way to a certificate over SSH, the key shown first is the router's SSH host key (SHA256:…).
  keyNameFor: (fingerprint) => (fingerprint.startsWith('SHA256:') ? 'SSH host key' : 'Certificate'),
  inlineFields: ['host', 'username', 'port'],
  foundLabel: 'Routers found by the scan',
  found: (scan) =>
    scan.routers
      .filter((r) => r.isMikrotik && r.ipv4)
      .map((r) => ({ key: r.mac, label: `${r.identity} · ${r.ipv4}`, patch: { host: r.ipv4! } })),
  form: (s) => s.routerForm,
  load: (s) => s.router,
  setForm: (s) => s.setRouterForm,
  read: (s) => s.readRouter,
  accept: (s) => s.acceptRouterCertificate,
  Fields: RouterFields,
  Details: RouterDetails,
  Recover: { handles: (error) => error.code === 'no_certificate', View: NoCertificateChoices },
  Notice: UnverifiedNotice,
};

export function RouterStep() {
  return <LoginStep box={ROUTER_LOGIN} />;
}
