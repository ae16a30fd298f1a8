/**
 * Accessible form parts for the public forms (no script needed): every control has a visible
 * label; hints and errors are tied to it with aria-describedby; an error summary at the top links
 * to each field. Ids: the control `f-<name>`, its hint `f-<name>-hint`, its error `f-<name>-error`
 * (for a group of radios the first radio carries `f-<name>` so that summary links land on it).
 */
import type { ComponentChildren } from 'preact';

export type FormValues = Readonly<Record<string, string>>;
export type FormErrors = Readonly<Record<string, string>>;

export const fieldId = (name: string) => `f-${name}`;

function describedBy(name: string, hint: boolean, error: boolean): string | undefined {
  const ids = [hint ? `${fieldId(name)}-hint` : '', error ? `${fieldId(name)}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** The messages of the fields listed in `order` first, then any other (e.g. '_form'). */
function orderedErrors(errors: FormErrors, order: readonly string[]): Array<[string, string]> {
  const known = order.filter((k) => errors[k] !== undefined).map((k): [string, string] => [k, errors[k]!]);
  const rest = Object.entries(errors).filter(([k]) => !order.includes(k));
  return [...known, ...rest];
}

export function ErrorSummary({ errors, order, title }: { errors: FormErrors; order: readonly string[]; title?: string }) {
  const list = orderedErrors(errors, order);
  if (list.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1}>
      <h2 id="error-summary-title">{title ?? `提交的内容有${list.length}处需要修改`}</h2>
      <ul>
        {list.map(([k, m]) => (
          <li key={k}>{order.includes(k) ? <a href={`#${fieldId(k)}`}>{m}</a> : m}</li>
        ))}
      </ul>
    </div>
  );
}

function Label({ name, label, required }: { name: string; label: string; required?: boolean | undefined }) {
  return (
    <label for={fieldId(name)}>
      {label}
      {required ? <span class="req">（必填）</span> : <span class="opt">（选填）</span>}
    </label>
  );
}

function Hint({ name, hint }: { name: string; hint?: ComponentChildren }) {
  return hint ? (
    <p class="hint" id={`${fieldId(name)}-hint`}>
      {hint}
    </p>
  ) : null;
}

function FieldError({ name, error }: { name: string; error?: string | undefined }) {
  return error ? (
    <p class="field-error" id={`${fieldId(name)}-error`}>
      <span class="visually-hidden">错误：</span>
      {error}
    </p>
  ) : null;
}

interface FieldProps {
  name: string;
  label: string;
  values: FormValues;
  errors: FormErrors;
  required?: boolean;
  hint?: ComponentChildren;
}

export function TextField(
  p: FieldProps & { maxLength?: number; type?: 'text' | 'email' | 'tel'; autocomplete?: string; inputMode?: 'numeric' | 'tel' | 'email' | 'text'; width?: 'short' },
) {
  const error = p.errors[p.name];
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <Label name={p.name} label={p.label} required={p.required} />
      <Hint name={p.name} hint={p.hint} />
      <FieldError name={p.name} error={error} />
      <input
        id={fieldId(p.name)}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.values[p.name] ?? ''}
        maxLength={p.maxLength}
        required={p.required}
        autocomplete={p.autocomplete}
        inputMode={p.inputMode}
        class={p.width}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(p.name, !!p.hint, !!error)}
      />
    </div>
  );
}

export function TextArea(p: FieldProps & { maxLength?: number; rows?: number }) {
  const error = p.errors[p.name];
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <Label name={p.name} label={p.label} required={p.required} />
      <Hint name={p.name} hint={p.hint} />
      <FieldError name={p.name} error={error} />
      <textarea
        id={fieldId(p.name)}
        name={p.name}
        rows={p.rows ?? 5}
        maxLength={p.maxLength}
        required={p.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(p.name, !!p.hint, !!error)}
        value={p.values[p.name] ?? ''}
      />
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField(p: FieldProps & { options?: readonly Option[]; groups?: ReadonlyArray<{ label: string; options: readonly Option[] }>; placeholder: string }) {
  const error = p.errors[p.name];
  const current = p.values[p.name] ?? '';
  const opt = (o: Option) => (
    <option key={o.value} value={o.value} selected={o.value === current}>
      {o.label}
    </option>
  );
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <Label name={p.name} label={p.label} required={p.required} />
      <Hint name={p.name} hint={p.hint} />
      <FieldError name={p.name} error={error} />
      <select
        id={fieldId(p.name)}
        name={p.name}
        required={p.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(p.name, !!p.hint, !!error)}
      >
        <option value="" selected={current === ''}>
          {p.placeholder}
        </option>
        {p.options?.map(opt)}
        {p.groups?.map((g) => (
          <optgroup key={g.label} label={g.label}>
            {g.options.map(opt)}
          </optgroup>
        ))}
      </select>
    </div>
  );
}

/**
 * A group of radios in a fieldset. `groups`: options under sub-headings (nested fieldsets), for
 * the applicant type (自然人 / 法人或其他组织: …).
 */
export function RadioGroup(p: FieldProps & { options?: readonly Option[]; groups?: ReadonlyArray<{ legend: string; options: readonly Option[] }> }) {
  const error = p.errors[p.name];
  const current = p.values[p.name] ?? '';
  let first = true;
  const radio = (o: Option) => {
    const rid = first ? fieldId(p.name) : `${fieldId(p.name)}-${o.value}`;
    first = false;
    return (
      <div class="radio" key={o.value}>
        <input type="radio" id={rid} name={p.name} value={o.value} checked={o.value === current} required={p.required} />
        <label for={rid}>{o.label}</label>
      </div>
    );
  };
  return (
    <fieldset
      class={`field radios${error ? ' has-error' : ''}`}
      aria-invalid={error ? 'true' : undefined}
      aria-describedby={describedBy(p.name, !!p.hint, !!error)}
    >
      <legend>
        {p.label}
        {p.required ? <span class="req">（必填）</span> : null}
      </legend>
      <Hint name={p.name} hint={p.hint} />
      <FieldError name={p.name} error={error} />
      {p.options?.map(radio)}
      {p.groups?.map((g) => (
        <fieldset key={g.legend} class="subgroup">
          <legend>{g.legend}</legend>
          {g.options.map(radio)}
        </fieldset>
      ))}
    </fieldset>
  );
}

/** The values of a submitted form as strings (what a re-rendered form shows); arrays keep their first string. */
export function formValues(body: unknown, names: readonly string[]): Record<string, string> {
  const src = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = src[n];
    const s = Array.isArray(v) ? v.find((x) => typeof x === 'string') : v;
    if (typeof s === 'string') out[n] = s;
    else if (typeof s === 'number' || typeof s === 'boolean') out[n] = String(s);
  }
  return out;
}
