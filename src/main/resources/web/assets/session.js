// Who is signed in, known without waiting for the server. The source of truth is the server's
// HttpOnly session cookie; the readable CSRF cookie exists exactly while it does (both are set
// at sign-in and cleared at sign-out), so its presence says "signed in" and its absence "signed
// out", with no request and no 401 for a visitor. The signed-in user's profile (never a token)
// is remembered in localStorage under a fingerprint of that cookie, so a page renders at once
// with it; app.js refreshes it from GET /api/user after the page is up.
import { api, csrfToken, forgetCsrfCookie } from './api.js';

const STORE = 'conduit.user';
const listeners = new Set();
let current = null;

export function currentUser() {
  return current;
}

/** True while the browser holds a session (as far as the cookies tell). */
export function hasSession() {
  return csrfToken() !== null;
}

/**
 * Sets who is signed in from the cookies and the remembered profile: "signed-out", "known"
 * (profile remembered for this very session) or "unknown" (a session whose profile must be
 * fetched first, e.g. signed in from another tab before this browser remembered anything).
 */
export function restore() {
  const token = csrfToken();
  if (token === null) {
    setCurrentUser(null);
    return 'signed-out';
  }
  const saved = read();
  if (saved && saved.session === fingerprint(token) && saved.user?.username) {
    current = saved.user;
    return 'known';
  }
  current = null;
  return 'unknown';
}

export function setCurrentUser(user) {
  current = user ?? null;
  const token = csrfToken();
  if (current && token !== null) {
    const { username, email, bio, image, verified } = current;
    write({ session: fingerprint(token), user: { username, email, bio, image, verified } });
  } else {
    write(null);
  }
  for (const fn of listeners) fn(current);
}

/**
 * Asks the server who this browser's session belongs to now, after something may have changed
 * it elsewhere: a mailed link that verified an address or ended every session of an account
 * (which may or may not be this browser's). A 401 means signed out, quietly: the caller says
 * what happened. A network error keeps what is known.
 */
export async function recheckSession() {
  if (!hasSession()) return;
  try {
    const { user } = await api.checkUser();
    setCurrentUser(user);
  } catch (e) {
    if (e.status === 401) {
      forgetCsrfCookie();
      setCurrentUser(null);
    }
  }
}

/** Calls fn(user) on every change until it returns false. */
export function onUserChange(fn) {
  const wrapped = (user) => {
    if (fn(user) === false) listeners.delete(wrapped);
  };
  listeners.add(wrapped);
}

// Not a secret and not for security: only tells "the same session as when this was saved"
// without keeping the cookie's value itself in storage.
function fingerprint(text) {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(36) + b.toString(36);
}

// localStorage can be missing or refuse writes (private modes, quotas): then nothing is remembered.
function read() {
  try {
    return JSON.parse(localStorage.getItem(STORE) ?? 'null');
  } catch {
    return null;
  }
}

function write(value) {
  try {
    if (value) localStorage.setItem(STORE, JSON.stringify(value));
    else localStorage.removeItem(STORE);
  } catch {
    // not remembered: the next load asks the server once
  }
}
