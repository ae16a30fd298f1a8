/**
 * Form fields of the back office: every input has a label; a hint and an error message are tied
 * to it with aria-describedby (and aria-invalid when it is wrong). Values are re-shown as typed.
 */
import type { ComponentChildren } from 'preact';

export type FormValues = Readonly<Record<string, string>>;
export type FormErrors = Readonly<Record<string, string>>;

interface Base {
  /** The element id (unique on the page). */
  id: string;
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  required?: boolean;
}

function describedBy(p: Base): string | undefined {
  const ids = [p.hint ? `${p.id}-hint` : null, p.error ? `${p.id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Label(p: Base) {
  return (
    <label for={p.id}>
      {p.label}
      {p.required ? <span class="req"> （必填）</span> : null}
    </label>
  );
}

function Notes(p: Base) {
  return (
    <>
      {p.hint ? (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      {p.error ? (
        <p class="field-error" id={`${p.id}-error`}>
          {p.error}
        </p>
      ) : null}
    </>
  );
}

export function TextField(p: Base & { value?: string | undefined; type?: 'text' | 'email' | 'tel' | 'date' | 'number' | 'search'; maxLength?: number; autocomplete?: string; inputMode?: string }) {
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <Label {...p} />
      <Notes {...p} />
      <input
        id={p.id}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value ?? ''}
        required={p.required}
        maxLength={p.maxLength}
        autocomplete={p.autocomplete ?? 'off'}
        inputMode={p.inputMode as never}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy(p)}
      />
    </div>
  );
}

export function TextArea(p: Base & { value?: string | undefined; maxLength?: number; rows?: number }) {
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <Label {...p} />
      <Notes {...p} />
      <textarea
        id={p.id}
        name={p.name}
        rows={p.rows ?? 4}
        required={p.required}
        maxLength={p.maxLength}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy(p)}
      >
        {p.value ?? ''}
      </textarea>
    </div>
  );
}

export function SelectField(p: Base & { value?: string | undefined; options: ReadonlyArray<readonly [string, string]>; placeholder?: string | null }) {
  const placeholder = p.placeholder === undefined ? '请选择' : p.placeholder;
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <Label {...p} />
      <Notes {...p} />
      <select id={p.id} name={p.name} required={p.required} aria-invalid={p.error ? 'true' : undefined} aria-describedby={describedBy(p)}>
        {placeholder !== null ? <option value="">{placeholder}</option> : null}
        {p.options.map(([v, l]) => (
          <option key={v} value={v} selected={v === p.value}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CheckboxField(p: Base & { checked: boolean }) {
  return (
    <div class="field check">
      <input
        id={p.id}
        name={p.name}
        type="checkbox"
        value="1"
        checked={p.checked}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy(p)}
      />{' '}
      <label for={p.id}>{p.label}</label>
      <Notes {...p} />
    </div>
  );
}

/** The list of a form's problems, each linking to its field (shown above the form). */
export function ErrorSummary({ errors, ids, labels, title = '提交的内容有误，请修改后重新提交：', children }: {
  errors: FormErrors;
  /** field name → element id (fields without one are listed without a link). */
  ids: Readonly<Record<string, string>>;
  labels?: Readonly<Record<string, string>>;
  title?: string;
  children?: ComponentChildren;
}) {
  // In the order of the form's fields, then anything else (e.g. the version).
  const order = Object.keys(ids);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const entries = Object.entries(errors).sort((a, b) => rank(a[0]) - rank(b[0]));
  if (entries.length === 0 && !children) return null;
  return (
    <div class="error-summary" role="alert">
      <p>
        <strong>{title}</strong>
      </p>
      {children}
      {entries.length ? (
        <ul>
          {entries.map(([name, msg]) => (
            <li key={name}>
              {ids[name] ? <a href={`#${ids[name]}`}>{labels?.[name] ? `${labels[name]}：${msg}` : msg}</a> : labels?.[name] ? `${labels[name]}：${msg}` : msg}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The string values of a submitted form (a JSON body's non-strings are dropped; _csrf is never kept). */
export function formValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof body !== 'object' || body === null) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && typeof v[0] === 'string') out[k] = v[0];
  }
  return out;
}
