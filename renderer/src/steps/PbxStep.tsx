import type { FormEvent } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { KeyPromptNote } from '../components/KeyPromptNote';
import { useWizard } from '../store/context';
import { keyPrompt } from '../store/load';

const KIND_LABEL = { fspbx: 'FS PBX', fusionpbx: 'FusionPBX', 'not-a-pbx': 'Not a PBX' } as const;

/** Fields whose errors show beside the field itself. */
const INLINE = ['host'];

export function PbxStep() {
  const form = useWizard((s) => s.pbxForm);
  const pbx = useWizard((s) => s.pbx);
  const candidates = useWizard((s) => s.scan.sshHosts);
  const setForm = useWizard((s) => s.setPbxForm);
  const readPbx = useWizard((s) => s.readPbx);
  const accept = useWizard((s) => s.acceptPbxHostKey);
  const prompt = keyPrompt(pbx);
  const fieldError = pbx.status === 'error' && pbx.error.code === 'invalid_input' ? pbx.error : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void readPbx();
  };

  return (
    <section aria-labelledby="step-pbx-title" className="panel">
      <h1 id="step-pbx-title" tabIndex={-1}>
        3 · PBX
      </h1>
      <p className="lead">Log in to the FS PBX server over SSH, as root or as a user with sudo.</p>
      {candidates.length > 0 && (
        <div className="actions" role="group" aria-label="SSH hosts found by the scan">
          {candidates.map((h) => (
            <button
              key={`${h.address}:${h.port}`}
              type="button"
              onClick={() => setForm({ host: h.address, port: String(h.port) })}
            >
              {h.address}:{h.port}
            </button>
          ))}
        </div>
      )}
      <form className="form" onSubmit={submit}>
        <Field
          label="PBX address"
          value={form.host}
          placeholder="192.168.88.10"
          autoComplete="off"
          onChange={(e) => setForm({ host: e.target.value })}
          error={fieldError?.field === 'host' ? fieldError.message : undefined}
        />
        <Field
          label="SSH port"
          value={form.port}
          inputMode="numeric"
          placeholder="22"
          onChange={(e) => setForm({ port: e.target.value })}
        />
        <Field
          label="User"
          value={form.username}
          autoComplete="username"
          onChange={(e) => setForm({ username: e.target.value })}
        />
        <fieldset className="choice">
          <legend>Log in with</legend>
          <label className="check">
            <input
              type="radio"
              name="auth"
              checked={form.auth === 'password'}
              onChange={() => setForm({ auth: 'password' })}
            />
            Password
          </label>
          <label className="check">
            <input type="radio" name="auth" checked={form.auth === 'key'} onChange={() => setForm({ auth: 'key' })} />
            Private key
          </label>
        </fieldset>
        {form.auth === 'password' ? (
          <Field
            label="Password"
            type="password"
            value={form.password}
            autoComplete="current-password"
            onChange={(e) => setForm({ password: e.target.value })}
          />
        ) : (
          <>
            <div className="field">
              <label htmlFor="pbx-key">Private key (paste)</label>
              <textarea
                id="pbx-key"
                rows={4}
                value={form.privateKey}
                spellCheck={false}
                onChange={(e) => setForm({ privateKey: e.target.value })}
              />
            </div>
            <Field
              label="Key passphrase"
              type="password"
              value={form.passphrase}
              onChange={(e) => setForm({ passphrase: e.target.value })}
            />
          </>
        )}
        {form.username !== 'root' && (
          <Field
            label="sudo password"
            type="password"
            value={form.sudoPassword}
            hint="Only if this user's sudo asks for one."
            onChange={(e) => setForm({ sudoPassword: e.target.value })}
          />
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={pbx.status === 'loading' || form.host.trim() === ''}>
            {pbx.status === 'loading' ? 'Connecting…' : 'Connect'}
          </button>
        </div>
      </form>
      {prompt && <KeyPromptNote prompt={prompt} what="Host key" onAccept={() => void accept(prompt.fingerprint)} />}
      {pbx.status === 'error' && !prompt && !INLINE.includes(fieldError?.field ?? '') && (
        <ErrorNote error={pbx.error} />
      )}
      {pbx.status === 'done' && (
        <div
          className={pbx.value.kind === 'not-a-pbx' ? 'note note-error' : 'note'}
          role="status"
          aria-label="PBX details"
        >
          <p>
            <strong>{KIND_LABEL[pbx.value.kind]}</strong> on {pbx.value.hostname}
            {pbx.value.fspbxVersion ? ` · FS PBX ${pbx.value.fspbxVersion}` : ''}
            {pbx.value.freeswitchVersion ? ` · FreeSWITCH ${pbx.value.freeswitchVersion}` : ''}
          </p>
          {pbx.value.kind === 'not-a-pbx' && <p>This host has no FS PBX or FusionPBX: pick another host.</p>}
        </div>
      )}
    </section>
  );
}
