// Building DOM without HTML strings: every piece of user data becomes a text node or an
// attribute value, never markup. (The one exception, sanitised markdown, is in markdown.js.)
import { ApiError } from './api.js';

/**
 * h('a', {href: '#/', class: 'x', onclick: fn}, 'text', otherNode, [more, children])
 * Strings and numbers become text nodes; null/false/undefined children and props are skipped.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value' || key === 'checked' || key === 'disabled') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child == null || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

export function clear(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

const avatarUrl = new URL('./avatar.svg', import.meta.url).pathname;

/** An image URL from user data, or the default avatar when it is empty or not http(s)/same-site. */
export function imageUrl(url) {
  if (typeof url !== 'string' || url.trim() === '') return avatarUrl;
  try {
    const parsed = new URL(url, location.href);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return parsed.href;
  } catch {
    // not a URL
  }
  return avatarUrl;
}

export function avatar(url, className = 'avatar', alt = '') {
  const img = h('img', { class: className, src: imageUrl(url), alt, width: 32, height: 32, loading: 'lazy' });
  // A broken link (deleted upload, dead host) falls back to the default picture.
  img.addEventListener('error', () => {
    if (img.getAttribute('src') !== avatarUrl) img.src = avatarUrl;
  }, { once: true });
  return img;
}

/** "#/profile/jake" with the dynamic part escaped. */
export function route(...parts) {
  return '#/' + parts.map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/');
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];

/**
 * "November 30, 2026" in the visitor's time zone. Not toLocaleDateString: its first call loads
 * the browser's locale data, measured at 15-50 ms, on the path of every page that shows a date.
 */
export function formatDate(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${MONTHS[d.getMonth()]} ${d.getDate()}, ${d.getFullYear()}`;
}

/** "November 30, 2026 at 09:05" in the visitor's time zone (24-hour clock). */
export function formatDateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const two = (n) => String(n).padStart(2, '0');
  return `${formatDate(iso)} at ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** "in 40 seconds", "in about 5 minutes", "in about 2 hours": how long a rate limit lasts. */
export function waitText(seconds) {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `in ${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  if (m < 90) return `in about ${m} minute${m === 1 ? '' : 's'}`;
  return `in about ${Math.round(m / 60)} hours`;
}

// The server's rate-limit message: "too many attempts, retry in 3412 s".
const RETRY_IN = /^too many attempts, retry in (\d+) s$/;

/**
 * What went wrong, in one line: the API's own messages when it answered with an error, else
 * `fallback` (a network failure, a bug).
 */
export function errorText(e, fallback) {
  return e instanceof ApiError ? errorMessages(e.errors).join('; ') : fallback;
}

/** Human sentences from a RealWorld error body: {"errors":{"email":["has already been taken"]}}. */
export function errorMessages(errors) {
  const out = [];
  for (const [field, messages] of Object.entries(errors ?? {})) {
    for (const message of [messages].flat()) {
      const limited = RETRY_IN.exec(String(message));
      if (limited) out.push(`Too many attempts. Please try again ${waitText(Number(limited[1]))}.`);
      else if (field === 'credentials' && message === 'invalid') out.push('email or password is invalid');
      else if (field === 'general' || field === 'network') out.push(String(message));
      else out.push(`${field} ${message}`);
    }
  }
  return out;
}

/** The error area of a form: a live region that lists messages, empty until there are some. */
export function errorList() {
  const box = h('div', { class: 'form-errors', role: 'alert', 'aria-live': 'assertive' });
  box.show = (errors) => {
    const messages = errorMessages(errors);
    clear(box, messages.length ? h('ul', { class: 'error-messages' }, messages.map((m) => h('li', null, m))) : null);
  };
  box.clear = () => clear(box);
  return box;
}

/**
 * The error line under one field (e.g. the password policy's answer): shown next to the control,
 * announced at once (an alert), and tied to the control by aria-describedby and aria-invalid.
 */
export function fieldError(control, id) {
  const box = h('div', { class: 'field-error', id, role: 'alert' });
  const describedBy = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x && x !== id);
  control.setAttribute('aria-describedby', [...describedBy, id].join(' '));
  box.show = (messages) => {
    const list = [messages].flat().filter(Boolean);
    if (list.length) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
    clear(box, list.map((m) => h('p', null, m)));
  };
  box.clear = () => box.show([]);
  return box;
}

/** Disables a form's controls while a request runs; always re-enables. */
export async function busy(form, fn) {
  const fieldset = form.querySelector('fieldset');
  if (fieldset) fieldset.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    if (fieldset) fieldset.disabled = false;
    form.removeAttribute('aria-busy');
  }
}

export function field(labelText, id, control, hint) {
  control.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'form-group' }, h('label', { for: id }, labelText), control, hintEl);
}
