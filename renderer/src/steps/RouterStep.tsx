import type { AppError } from '../../../contract/errors';
import type { RouterSummary } from '../../../contract/types';
import { Field } from '../components/Field';
import type { RouterForm } from '../store/credentials';
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
      {value.insecure && <p className="warn">Plain API: the password crossed the LAN unencrypted.</p>}
      {value.emptyPassword && (
        <p className="warn">
          This router account has no password: anyone on the LAN can change the router. Set one in WinBox › System ›
          Users.
        </p>
      )}
      {value.doubleNat && <p className="warn">The WAN address is private: another router is in front (double NAT).</p>}
    </div>
  );
}

export const ROUTER_LOGIN: LoginBox<RouterForm, RouterSummary> = {
  step: 'router',
  lead: 'Log in to the MikroTik. The wizard reads it first; nothing changes until you review the plan.',
  keyName: 'Certificate',
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
};

export function RouterStep() {
  return <LoginStep box={ROUTER_LOGIN} />;
}
