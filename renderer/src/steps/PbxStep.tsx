import type { AppError } from '../../../contract/errors';
import type { PbxSummary } from '../../../contract/types';
import { Field } from '../components/Field';
import type { PbxForm } from '../store/credentials';
import { LoginStep, type LoginBox } from './LoginStep';

const KIND_LABEL = { fspbx: 'FS PBX', fusionpbx: 'FusionPBX', 'not-a-pbx': 'Not a PBX' } as const;

function PbxFields({
  form,
  setForm,
  fieldError,
}: {
  form: PbxForm;
  setForm: (patch: Partial<PbxForm>) => void;
  fieldError: AppError | undefined;
}) {
  return (
    <>
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
    </>
  );
}

function PbxDetails({ value }: { value: PbxSummary }) {
  return (
    <div className={value.kind === 'not-a-pbx' ? 'note note-error' : 'note'} role="status" aria-label="PBX details">
      <p>
        <strong>{KIND_LABEL[value.kind]}</strong> on {value.hostname}
        {value.fspbxVersion ? ` · FS PBX ${value.fspbxVersion}` : ''}
        {value.freeswitchVersion ? ` · FreeSWITCH ${value.freeswitchVersion}` : ''}
      </p>
      {value.kind === 'not-a-pbx' && <p>This host has no FS PBX or FusionPBX: pick another host.</p>}
    </div>
  );
}

export const PBX_LOGIN: LoginBox<PbxForm, PbxSummary> = {
  step: 'pbx',
  lead: 'Log in to the FS PBX server over SSH, as root or as a user with sudo.',
  keyName: 'Host key',
  inlineFields: ['host'],
  foundLabel: 'SSH hosts found by the scan',
  found: (scan) =>
    scan.sshHosts.map((h) => ({
      key: `${h.address}:${h.port}`,
      label: `${h.address}:${h.port}`,
      patch: { host: h.address, port: String(h.port) },
    })),
  form: (s) => s.pbxForm,
  load: (s) => s.pbx,
  setForm: (s) => s.setPbxForm,
  read: (s) => s.readPbx,
  accept: (s) => s.acceptPbxHostKey,
  Fields: PbxFields,
  Details: PbxDetails,
};

export function PbxStep() {
  return <LoginStep box={PBX_LOGIN} />;
}
