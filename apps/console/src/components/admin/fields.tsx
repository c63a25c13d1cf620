import { useState, type ChangeEvent, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

type Values = Record<string, string | boolean>;
type KeysOf<T, V> = { [K in keyof T]: T[K] extends V ? K : never }[keyof T];
type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export interface Fields<T extends Values> {
  values: T;
  /** `value` and `onChange` of a text input, a textarea or a select, to spread on it. */
  text<K extends KeysOf<T, string>>(key: K): { value: string; onChange(e: ChangeEvent<Control>): void };
  /** `checked` and `onChange` of a checkbox. */
  checkbox<K extends KeysOf<T, boolean>>(key: K): { checked: boolean; onChange(e: ChangeEvent<HTMLInputElement>): void };
  /** Back to the first values, but for the fields in `keep` (choices worth keeping for the next entry). */
  reset(...keep: (keyof T)[]): void;
}

/** The state of a form's fields, one object instead of a useState per field. */
export function useFields<T extends Values>(initial: T): Fields<T> {
  const [first] = useState(initial);
  const [values, setValues] = useState(initial);
  const set = (key: keyof T, value: string | boolean) => setValues((v) => ({ ...v, [key]: value }));
  return {
    values,
    text: (key) => ({ value: values[key] as string, onChange: (e) => set(key, e.target.value) }),
    checkbox: (key) => ({ checked: values[key] as boolean, onChange: (e) => set(key, e.target.checked) }),
    reset: (...keep) =>
      setValues((v) => {
        const next = { ...first };
        for (const key of keep) next[key] = v[key];
        return next;
      }),
  };
}

interface FieldProps {
  id: string;
  label: ReactNode;
  /** Shown below the control as `<id>-hint`, which the control names in aria-describedby. */
  hint?: ReactNode;
}

export const Hint = ({ id, children }: { id: string; children: ReactNode }) => (
  <p id={id} className="hint">
    {children}
  </p>
);

function Field({ id, label, hint, children }: FieldProps & { children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <Hint id={`${id}-hint`}>{hint}</Hint>}
    </div>
  );
}

const hintOf = (id: string, hint: ReactNode) => (hint ? `${id}-hint` : undefined);

export function TextField({ id, label, hint, ...input }: FieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, 'id'>) {
  return (
    <Field id={id} label={label} hint={hint}>
      <input id={id} aria-describedby={hintOf(id, hint)} {...input} />
    </Field>
  );
}

export function TextAreaField({ id, label, hint, ...textarea }: FieldProps & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'>) {
  return (
    <Field id={id} label={label} hint={hint}>
      <textarea id={id} aria-describedby={hintOf(id, hint)} {...textarea} />
    </Field>
  );
}

/** `options`: value and text of each choice, in order. */
export function SelectField({
  id,
  label,
  hint,
  options,
  ...select
}: FieldProps & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & { options: readonly (readonly [value: string, text: string])[] }) {
  return (
    <Field id={id} label={label} hint={hint}>
      <select id={id} aria-describedby={hintOf(id, hint)} {...select}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A member's or a first owner's subject: a user, or an OIDC group. */
export const SUBJECT_KINDS = [
  ['User', 'User'],
  ['Group', 'Group (OIDC)'],
] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number][0];

/** The roles a member (and an API key) can hold in a tenant. */
export const TENANT_ROLES = [
  ['viewer', 'viewer'],
  ['developer', 'developer'],
  ['owner', 'owner'],
] as const;
