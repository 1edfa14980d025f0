import type { AppError } from '../../../contract/errors';

/** The technician sees the sentence; the code helps when reading the log together. */
export function ErrorNote({ error }: { error: AppError }) {
  return (
    <div className="note note-error" role="alert">
      <strong>{error.message}</strong>
      <span className="code">({error.code})</span>
    </div>
  );
}
