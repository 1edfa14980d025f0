import type { ComponentType, FormEvent } from 'react';
import type { AppError } from '../../../contract/errors';
import { ErrorNote } from '../components/ErrorNote';
import { KeyPromptNote } from '../components/KeyPromptNote';
import { StepPanel } from '../components/StepPanel';
import { useWizard } from '../store/context';
import { keyPrompt, type Load } from '../store/load';
import type { ScanState, WizardState } from '../store/wizard';

/** A box found by the scan, offered as a one-click fill of the form. */
export interface FoundBox<F> {
  key: string;
  label: string;
  patch: Partial<F>;
}

/** What differs between logging in to the router and to the PBX; the rest is LoginStep. */
export interface LoginBox<F extends { host: string }, S> {
  step: 'router' | 'pbx';
  lead: string;
  /** The key the box proves itself with: the technician compares its fingerprint. */
  keyName: 'Certificate' | 'Host key';
  /** When the box shows more than one kind of key: which one this fingerprint is. */
  keyNameFor?(fingerprint: string): string;
  /** Fields whose invalid_input errors show beside the field, not in a note below the form. */
  inlineFields: readonly string[];
  foundLabel: string;
  found(scan: ScanState): FoundBox<F>[];
  form(state: WizardState): F;
  load(state: WizardState): Load<S>;
  setForm(state: WizardState): (patch: Partial<F>) => void;
  read(state: WizardState): () => Promise<void>;
  accept(state: WizardState): (fingerprint: string) => Promise<void>;
  Fields: ComponentType<{ form: F; setForm: (patch: Partial<F>) => void; fieldError: AppError | undefined }>;
  Details: ComponentType<{ value: S }>;
  /** An error the technician answers with a choice (shown instead of the plain error note). */
  Recover?: { handles(error: AppError): boolean; View: ComponentType<{ error: AppError }> };
  /** Shown under the form whatever the state: what the technician chose that weakens the login. */
  Notice?: ComponentType<{ form: F; load: Load<S> }>;
}

/** One login step, for the router or the PBX: scan picks, the form, the key prompt, what was read. */
export function LoginStep<F extends { host: string }, S>({ box }: { box: LoginBox<F, S> }) {
  const form = useWizard(box.form);
  const load = useWizard(box.load);
  const scan = useWizard((s) => s.scan);
  const setForm = useWizard(box.setForm);
  const read = useWizard(box.read);
  const accept = useWizard(box.accept);
  const found = box.found(scan);
  const prompt = keyPrompt(load);
  const fieldError = load.status === 'error' && load.error.code === 'invalid_input' ? load.error : undefined;
  const shownInline = fieldError?.field !== undefined && box.inlineFields.includes(fieldError.field);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void read();
  };

  return (
    <StepPanel id={box.step}>
      <p className="lead">{box.lead}</p>
      {found.length > 0 && (
        <div className="actions" role="group" aria-label={box.foundLabel}>
          {found.map((f) => (
            <button key={f.key} type="button" onClick={() => setForm(f.patch)}>
              {f.label}
            </button>
          ))}
        </div>
      )}
      <form className="form" onSubmit={submit}>
        <box.Fields form={form} setForm={setForm} fieldError={fieldError} />
        <div className="actions">
          <button type="submit" className="primary" disabled={load.status === 'loading' || form.host.trim() === ''}>
            {load.status === 'loading' ? 'Connecting…' : 'Connect'}
          </button>
        </div>
      </form>
      {prompt && (
        <KeyPromptNote
          prompt={prompt}
          what={box.keyNameFor?.(prompt.fingerprint) ?? box.keyName}
          onAccept={() => void accept(prompt.fingerprint)}
        />
      )}
      {box.Notice && <box.Notice form={form} load={load} />}
      {load.status === 'error' &&
        !prompt &&
        !shownInline &&
        (box.Recover?.handles(load.error) ? <box.Recover.View error={load.error} /> : <ErrorNote error={load.error} />)}
      {load.status === 'done' && <box.Details value={load.value} />}
    </StepPanel>
  );
}
