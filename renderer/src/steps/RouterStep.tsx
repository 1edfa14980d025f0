import type { FormEvent } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { KeyPromptNote } from '../components/KeyPromptNote';
import { useWizard } from '../store/context';
import { keyPrompt } from '../store/load';

/** Fields whose errors show beside the field itself. */
const INLINE = ['host', 'username', 'port'];

export function RouterStep() {
  const form = useWizard((s) => s.routerForm);
  const router = useWizard((s) => s.router);
  const routers = useWizard((s) => s.scan.routers);
  const found = routers.filter((r) => r.isMikrotik && r.ipv4);
  const setForm = useWizard((s) => s.setRouterForm);
  const readRouter = useWizard((s) => s.readRouter);
  const accept = useWizard((s) => s.acceptRouterCertificate);
  const prompt = keyPrompt(router);
  const fieldError = router.status === 'error' && router.error.code === 'invalid_input' ? router.error : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void readRouter();
  };

  return (
    <section aria-labelledby="step-router-title" className="panel">
      <h1 id="step-router-title" tabIndex={-1}>
        2 · Router
      </h1>
      <p className="lead">
        Log in to the MikroTik. The wizard reads it first; nothing changes until you review the plan.
      </p>
      {found.length > 0 && (
        <div className="actions" role="group" aria-label="Routers found by the scan">
          {found.map((r) => (
            <button key={r.mac} type="button" onClick={() => setForm({ host: r.ipv4! })}>
              {r.identity} · {r.ipv4}
            </button>
          ))}
        </div>
      )}
      <form className="form" onSubmit={submit}>
        <Field
          label="Router address"
          value={form.host}
          placeholder="192.168.88.1"
          autoComplete="off"
          onChange={(e) => setForm({ host: e.target.value })}
          error={fieldError?.field === 'host' ? fieldError.message : undefined}
        />
        <Field
          label="User"
          value={form.username}
          autoComplete="username"
          onChange={(e) => setForm({ username: e.target.value })}
          error={fieldError?.field === 'username' ? fieldError.message : undefined}
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
          error={fieldError?.field === 'port' ? fieldError.message : undefined}
        />
        <label className="check">
          <input type="checkbox" checked={!form.tls} onChange={(e) => setForm({ tls: !e.target.checked })} />
          Use the plain API (8728): the password crosses the LAN unencrypted
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={router.status === 'loading' || form.host.trim() === ''}>
            {router.status === 'loading' ? 'Connecting…' : 'Connect'}
          </button>
        </div>
      </form>
      {prompt && <KeyPromptNote prompt={prompt} what="Certificate" onAccept={() => void accept(prompt.fingerprint)} />}
      {router.status === 'error' && !prompt && !INLINE.includes(fieldError?.field ?? '') && (
        <ErrorNote error={router.error} />
      )}
      {router.status === 'done' && (
        <div className="note" role="status" aria-label="Router details">
          <p>
            <strong>{router.value.identity}</strong> · RouterOS {router.value.version} · {router.value.board}
          </p>
          <p>WAN {router.value.wanAddresses.join(', ') || 'not found'}</p>
          {!router.value.canWrite && (
            <p className="field-error">This account is read-only: log in with a user that can write.</p>
          )}
          {router.value.insecure && <p className="warn">Plain API: the password crossed the LAN unencrypted.</p>}
          {router.value.doubleNat && (
            <p className="warn">The WAN address is private: another router is in front (double NAT).</p>
          )}
        </div>
      )}
    </section>
  );
}
