import { type FormEvent, type ReactNode } from 'react';
import { useAction } from './hooks';
import { ActionResult } from './widgets';

/** A part of an admin page, named by its heading. */
export function Section({ id, title, className, children }: { id: string; title: ReactNode; className?: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className={className}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * A create or edit form: its submit runs `save` as one write (the button disabled and relabelled meanwhile), shows
 * the API's error (with `onStale`, a 412 offers the current version) or `notice`, then calls `onSaved`.
 */
export function AdminForm({
  save,
  notice,
  onSaved,
  submit,
  submitting,
  onStale,
  onCancel,
  heading,
  children,
}: {
  save(): Promise<unknown>;
  notice?: string;
  onSaved?(): void;
  /** The submit button's label, and its label while the write is in flight. */
  submit: string;
  submitting: string;
  onStale?(): void;
  /** An edit form's Cancel button. */
  onCancel?(): void;
  /** A form that is not a section of its own names itself by a heading inside. */
  heading?: { id: string; text: string };
  children: ReactNode;
}) {
  const action = useAction();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void action
      .run(async () => {
        await save();
      }, notice)
      .then((ok) => ok && onSaved?.());
  };
  const button = (
    <button type="submit" disabled={action.busy}>
      {action.busy ? submitting : submit}
    </button>
  );

  return (
    <form onSubmit={onSubmit} className="admin-form" aria-labelledby={heading?.id}>
      {heading && <h3 id={heading.id}>{heading.text}</h3>}
      {children}
      <ActionResult action={action} onStale={onStale} />
      {onCancel ? (
        <div className="buttons">
          {button}
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      ) : (
        button
      )}
    </form>
  );
}
